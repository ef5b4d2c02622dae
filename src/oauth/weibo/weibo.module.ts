import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { IdentitiesModule } from '../../identities/identities.module.js';
import { UsersModule } from '../../users/users.module.js';
import { BindTicketStore } from './bind-ticket.store.js';
import { BindController } from './bind.controller.js';
import { BindService } from './bind.service.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { WeiboLoginService } from './weibo-login.service.js';
import { WeiboClient } from './weibo.client.js';
import { WeiboController } from './weibo.controller.js';
import { WeiboStrategy } from './weibo.strategy.js';

/** Weibo sign-in (part of OAuth): the passport strategy, the callback, binding to a new or existing account. */
@Module({
  imports: [AuthModule, UsersModule, IdentitiesModule],
  controllers: [WeiboController, BindController],
  providers: [WeiboClient, OAuthStateStore, WeiboStrategy, BindTicketStore, WeiboLoginService, BindService],
  exports: [WeiboClient],
})
export class WeiboModule {}
