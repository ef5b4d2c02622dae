import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { MailModule } from '../mail/mail.module.js';
import { SmsModule } from '../sms/sms.module.js';
import { UsersModule } from '../users/users.module.js';
import { BindTicketStore } from './bind-ticket.store.js';
import { BindController } from './bind.controller.js';
import { BindService } from './bind.service.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { WeiboLoginService } from './weibo-login.service.js';
import { WeiboClient } from './weibo.client.js';
import { WeiboController } from './weibo.controller.js';
import { WeiboStrategy } from './weibo.strategy.js';

/** Weibo sign-in: the passport strategy, the callback, binding to a new or existing account, unlinking. */
@Module({
  imports: [AuthModule, UsersModule, IdentitiesModule, SmsModule, MailModule],
  controllers: [WeiboController, BindController],
  providers: [WeiboClient, OAuthStateStore, WeiboStrategy, BindTicketStore, WeiboLoginService, BindService],
})
export class OauthModule {}
