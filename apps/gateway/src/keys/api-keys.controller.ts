import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../http/access.decorators';
import {
  ApiKeyCreateRequestDto,
  ApiKeyDto,
  ApiKeyListReplyDto,
  ApiKeyParamsDto,
  ApiKeyWithSecretDto,
  CallerReplyDto,
} from '../http/http-api.dto';
import { ApiKeysService } from './api-keys.service';
import { Caller, CurrentCaller, toCallerReply } from './caller';

@ApiTags('keys')
@Controller('keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get('me')
  @RequireScopes()
  @ApiOperation({ summary: 'The calling key: its tenant, scopes and collections' })
  @ApiOkResponse({ type: CallerReplyDto.Output })
  me(@CurrentCaller() caller: Caller) {
    return toCallerReply(caller);
  }

  @Post()
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Create an API key (the secret is in this reply only)',
    description:
      'A key can grant only collections it reaches itself; keys of API_KEY_HASHES reach all and administer every tenant.',
  })
  @ApiCreatedResponse({ type: ApiKeyWithSecretDto.Output })
  create(@CurrentCaller() caller: Caller, @Body() body: ApiKeyCreateRequestDto) {
    return this.keys.create(caller, body);
  }

  @Get()
  @RequireScopes('admin')
  @ApiOperation({ summary: "API keys of the caller's tenant, without secrets" })
  @ApiOkResponse({ type: ApiKeyListReplyDto.Output })
  async list(@CurrentCaller() caller: Caller) {
    return { keys: await this.keys.list(caller) };
  }

  @Delete(':keyId')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Revoke an API key (refused from then on)' })
  @ApiOkResponse({ type: ApiKeyDto.Output })
  revoke(@CurrentCaller() caller: Caller, @Param() { keyId }: ApiKeyParamsDto) {
    return this.keys.revoke(caller, keyId);
  }

  @Post(':keyId/rotate')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'A new secret for a key; the old one stops working at once' })
  @ApiCreatedResponse({ type: ApiKeyWithSecretDto.Output })
  rotate(@CurrentCaller() caller: Caller, @Param() { keyId }: ApiKeyParamsDto) {
    return this.keys.rotate(caller, keyId);
  }
}
