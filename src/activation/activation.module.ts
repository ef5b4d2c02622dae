import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { UsersModule } from '../users/users.module.js';
import { ActivationController } from './activation.controller.js';
import { ActivationService } from './activation.service.js';
import { ActivationStore } from './activation.store.js';

/** Email activation: single-use codes mailed as links, and the route that spends them. */
@Module({
  imports: [MailModule, UsersModule],
  controllers: [ActivationController],
  providers: [ActivationService, ActivationStore],
  exports: [ActivationService],
})
export class ActivationModule {}
