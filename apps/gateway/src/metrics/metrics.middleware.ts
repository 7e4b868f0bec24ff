import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/** Times every request; the route label is the matched route pattern, so ids do not explode cardinality. */
export function metricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const t0 = process.hrtime.bigint();
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.observeRequest(req.method, route, res.statusCode, Number(process.hrtime.bigint() - t0) / 1e9);
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
