import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiKeyCreateRequest, ApiKeyCreateRequestSchema, ApiKeyIdSchema } from '@rag/contracts';
import { ZodPipe } from '../http/zod-body.pipe';
import { ApiKeysService } from './api-keys.service';
import { Caller, CurrentCaller, toCallerReply } from './caller';

const keyIdPipe = () => new ZodPipe(ApiKeyIdSchema, 'key id');

@Controller('keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get('me')
  me(@CurrentCaller() caller: Caller) {
    return toCallerReply(caller);
  }

  @Post()
  create(@CurrentCaller() caller: Caller, @Body(new ZodPipe(ApiKeyCreateRequestSchema)) body: ApiKeyCreateRequest) {
    return this.keys.create(caller, body);
  }

  @Get()
  async list(@CurrentCaller() caller: Caller) {
    return { keys: await this.keys.list(caller) };
  }

  @Delete(':keyId')
  revoke(@CurrentCaller() caller: Caller, @Param('keyId', keyIdPipe()) keyId: string) {
    return this.keys.revoke(caller, keyId);
  }

  @Post(':keyId/rotate')
  rotate(@CurrentCaller() caller: Caller, @Param('keyId', keyIdPipe()) keyId: string) {
    return this.keys.rotate(caller, keyId);
  }
}
