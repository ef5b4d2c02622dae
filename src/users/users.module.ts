import { Module } from '@nestjs/common';
import { ProfileCache } from './profile-cache.js';
import { UsersService } from './users.service.js';

/** The user record: `users` and its cached profile view. */
@Module({
  providers: [UsersService, ProfileCache],
  exports: [UsersService, ProfileCache],
})
export class UsersModule {}
