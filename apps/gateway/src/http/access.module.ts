import { Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { KeysModule } from '../keys/keys.module';
import { ApiKeyGuard } from './api-key.guard';
import { HttpValidationPipe } from './http-validation.pipe';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStore } from './rate-limit.store';

/** What every route goes through: API keys and scopes, the rate limit, then request validation. */
@Module({
  imports: [KeysModule],
  providers: [
    // Guards run in this order: who is calling and may they, then their budget.
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_PIPE, useClass: HttpValidationPipe },
    RateLimitStore,
  ],
})
export class AccessModule {}
