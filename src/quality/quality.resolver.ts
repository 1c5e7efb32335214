import { Authorized, Query, Resolver } from 'type-graphql';
import { READERS } from '../auth/principal';
import type { Services } from '../services';
import { DataQualityReport } from './quality.types';

@Resolver()
export class QualityResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => DataQualityReport, {
    description:
      'The data quality report (README: Data quality): aggregates only, no personal values.',
  })
  dataQuality(): Promise<DataQualityReport> {
    return this.services.quality.report(new Date());
  }
}
