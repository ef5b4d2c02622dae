import { Module } from '@nestjs/common';
import { ActivationModule } from '../activation/activation.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { MailModule } from '../mail/mail.module.js';
import { WechatModule } from '../oauth/wechat/wechat.module.js';
import { WeiboModule } from '../oauth/weibo/weibo.module.js';
import { SmsModule } from '../sms/sms.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountCleanup } from './account-cleanup.service.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { AccountEvents } from './account-events.js';
import { AccountProof } from './account-proof.service.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { MeController } from './me.controller.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { PasswordController } from './password.controller.js';
import { ProfileService } from './profile.service.js';
import { ReauthController } from './reauth.controller.js';
import { ReauthService } from './reauth.service.js';
import { SessionsController } from './sessions.controller.js';

/** The signed-in user's account: profile, password reset and change, phone, email, sessions, deletion. */
@Module({
  imports: [
    UsersModule,
    AuthModule,
    SmsModule,
    MailModule,
    ActivationModule,
    IdentitiesModule,
    WeiboModule,
    WechatModule,
  ],
  controllers: [MeController, PasswordController, AccountController, SessionsController, ReauthController],
  providers: [
    ProfileService,
    AccountService,
    AccountProof,
    AccountCleanup,
    AccountEvents,
    PasswordResetService,
    PasswordChangeService,
    AccountDeletionService,
    ReauthService,
  ],
})
export class AccountModule {}
