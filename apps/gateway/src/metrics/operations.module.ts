import { Module } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Operations endpoints: liveness, readiness and Prometheus metrics. */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class OperationsModule {}
