import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { MailModule } from '../mail/mail.module.js';
import { WeiboClient } from '../oauth/weibo.client.js';
import { SmsModule } from '../sms/sms.module.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordController } from './password.controller.js';
import { PasswordResetService } from './password-reset.service.js';
import { UsersModule } from './users.module.js';

/** Account management: password reset and change, phone, email and profile changes, deletion. */
@Module({
  imports: [UsersModule, AuthModule, SmsModule, MailModule, IdentitiesModule],
  controllers: [PasswordController, AccountController],
  providers: [PasswordResetService, PasswordChangeService, AccountService, AccountDeletionService, WeiboClient],
})
export class AccountModule {}
