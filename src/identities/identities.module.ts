import { Module } from '@nestjs/common';
import { SecretBox } from '../common/secret-box.js';
import { UsersModule } from '../users/users.module.js';
import { IdentitiesService } from './identities.service.js';

@Module({ imports: [UsersModule], providers: [IdentitiesService, SecretBox], exports: [IdentitiesService, SecretBox] })
export class IdentitiesModule {}
