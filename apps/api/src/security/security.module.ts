import { Global, Module } from '@nestjs/common';
import { RateLimits, UploadRateLimitGuard } from './rate-limits';

@Global()
@Module({ providers: [RateLimits, UploadRateLimitGuard], exports: [RateLimits, UploadRateLimitGuard] })
export class SecurityModule {}
