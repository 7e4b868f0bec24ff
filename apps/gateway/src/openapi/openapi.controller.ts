import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { DomainError } from '@rag/platform';
import type { Response } from 'express';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { API_VERSION } from './api-routes';
import { buildOpenApiDocument } from './openapi.document';
import { DOCS_CSP, DOCS_HTML, DOCS_INIT_JS, swaggerAsset } from './swagger-ui.assets';

@Controller()
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.document = buildOpenApiDocument({ authEnabled: config.auth.enabled, version: API_VERSION });
  }

  @Get('openapi.json')
  openapi() {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DOCS_CSP)
  docs() {
    return DOCS_HTML;
  }

  @Get('docs/:file')
  asset(@Param('file') file: string, @Res() res: Response) {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    if (file === 'init.js') {
      res.type('text/javascript').send(DOCS_INIT_JS);
      return;
    }
    const asset = swaggerAsset(file);
    if (!asset) throw new DomainError('NOT_FOUND', `no such documentation asset: ${file}`);
    res.setHeader('Content-Type', asset.contentType);
    res.sendFile(asset.path);
  }
}
