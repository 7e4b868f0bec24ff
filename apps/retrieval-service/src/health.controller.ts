import { Controller, Get } from '@nestjs/common';
import { HealthReply, RetrievalHealth } from '@rag/contracts';
import { BusHandler, replicaId } from '@rag/platform';
import { LanceRepository } from './storage/lance.repository';

@Controller()
export class HealthController {
  constructor(private readonly repo: LanceRepository) {}

  @Get('health')
  @BusHandler(RetrievalHealth)
  async health(): Promise<HealthReply> {
    return { service: 'retrieval-service', status: 'ok', uptimeSeconds: process.uptime(), replica: replicaId, details: await this.repo.stats() };
  }
}
