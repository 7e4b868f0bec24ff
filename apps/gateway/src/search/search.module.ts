import { Module } from '@nestjs/common';
import { OperationsModule } from '../metrics/operations.module';
import { SearchController } from './search.controller';

@Module({ imports: [OperationsModule], controllers: [SearchController] })
export class SearchModule {}
