import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MetricsService } from './metrics.service';

@Module({ imports: [DiscoveryModule], providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
