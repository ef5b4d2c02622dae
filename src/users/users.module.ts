import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';
import { ProfileService } from './profile.service.js';

@Module({
  imports: [IdentitiesModule],
  controllers: [UsersController],
  providers: [UsersService, ProfileService],
  exports: [UsersService, ProfileService],
})
export class UsersModule {}
