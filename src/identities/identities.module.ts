import { Module } from '@nestjs/common';
import { SecretBox } from '../common/secret-box.js';
import { IdentitiesService } from './identities.service.js';

@Module({ providers: [IdentitiesService, SecretBox], exports: [IdentitiesService, SecretBox] })
export class IdentitiesModule {}
