import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { IdentitiesModule } from '../../identities/identities.module.js';
import { UsersModule } from '../../users/users.module.js';
import { WechatLoginService } from './wechat-login.service.js';
import { WechatSessions } from './wechat-sessions.js';
import { WechatClient } from './wechat.client.js';
import { WechatController } from './wechat.controller.js';

/** WeChat mini-program login (`POST /v1/users/wechat/login`). */
@Module({
  imports: [AuthModule, UsersModule, IdentitiesModule],
  controllers: [WechatController],
  providers: [WechatClient, WechatSessions, WechatLoginService],
  exports: [WechatLoginService],
})
export class WechatModule {}
