import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ActivationModule } from '../activation/activation.module.js';
import { AppConfig } from '../config/config.js';
import { SmsModule } from '../sms/sms.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { RegistrationController, TokensController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CredentialsService } from './credentials.service.js';
import { AccessTokens } from './jwt-auth.guard.js';
import { PasswordHasher } from './password.hasher.js';
import { ReauthTokens } from './reauth-tokens.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { RegistrationService } from './registration.service.js';
import { SessionRevocations } from './session-revocations.js';
import { SessionsService } from './sessions.service.js';
import { TokensService } from './tokens.service.js';

/**
 * The secret is handed to jsonwebtoken as a KeyObject: given a string it re-imports the key on every call,
 * about 40× slower (docs/performance.md).
 */
export const Jwt = JwtModule.registerAsync({
  global: true,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    secret: jwtKey(config),
    signOptions: { algorithm: 'HS256', expiresIn: config.jwt.accessTtlSeconds, issuer: config.jwt.issuer },
    verifyOptions: { algorithms: ['HS256'], issuer: config.jwt.issuer },
  }),
});

function jwtKey(config: AppConfig) {
  return createSecretKey(Buffer.from(config.jwt.secret));
}

/** Signing stays with @nestjs/jwt; the hot-path check is the service's own (access-token-verifier.ts). */
const Verifier = {
  provide: AccessTokenVerifier,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => new AccessTokenVerifier(jwtKey(config), config.jwt.issuer),
};

const services = [
  AccessTokens,
  AuthService,
  RegistrationService,
  CredentialsService,
  TokensService,
  SessionsService,
  SessionRevocations,
  PasswordHasher,
  ReauthTokens,
];

/** Sign-in, registration, tokens and sessions, password hashing and the one credentials check. */
@Module({
  imports: [UsersModule, SmsModule, ActivationModule],
  controllers: [RegistrationController, TokensController],
  providers: [...services, RefreshTokensRepository, Verifier],
  exports: services,
})
export class AuthModule {}
