import { IsOptional, ValidateNested } from 'class-validator';
import { Args, ArgsType, Authorized, Field, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/principal';
import { toConnection } from '../graphql/connection';
import { PageArgsInput } from '../graphql/page-args';
import type { Services } from '../services';
import { toAuditEntry, toAuditListFilter } from './audit.mapper';
import { AuditEntryConnection, AuditLogFilter } from './audit.types';

@ArgsType()
class AuditLogArgs extends PageArgsInput {
  @Field(() => AuditLogFilter, { nullable: true, description: 'Only entries matching this.' })
  @IsOptional()
  @ValidateNested()
  filter?: AuditLogFilter;
}

// The log says who looked at whom: reading it is itself a privileged act.
@Authorized(Role.ADMIN)
@Resolver()
export class AuditResolver {
  constructor(private readonly services: Services) {}

  @Query(() => AuditEntryConnection, {
    description:
      'The audit log of personal data reads, writes, exports and erasures, newest first.',
  })
  async auditLog(@Args() { filter, ...page }: AuditLogArgs): Promise<AuditEntryConnection> {
    return toConnection(
      AuditEntryConnection,
      await this.services.audit.page(toAuditListFilter(filter), page),
      toAuditEntry,
    );
  }
}
