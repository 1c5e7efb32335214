import { IsOptional, ValidateNested } from 'class-validator';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  Mutation,
  Query,
  Resolver,
} from 'type-graphql';
import { Role } from '../auth/principal';
import { toConnection } from '../graphql/connection';
import type { PulseContext } from '../graphql/context';
import { fromGlobalId } from '../graphql/global-id';
import { PageArgsInput } from '../graphql/page-args';
import type { Services } from '../services';
import { toApiKey } from './api-key.mapper';
import {
  ApiKeyConnection,
  ApiKeyFilter,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  RevokeApiKeyInput,
  RevokeApiKeyPayload,
} from './api-key.types';

@ArgsType()
class ApiKeysArgs extends PageArgsInput {
  @Field(() => ApiKeyFilter, { nullable: true, description: 'Only keys matching this filter.' })
  @IsOptional()
  @ValidateNested()
  filter?: ApiKeyFilter;
}

// Key management is ADMIN's alone: a key that could mint keys could mint itself a better role.
@Authorized(Role.ADMIN)
@Resolver()
export class ApiKeyResolver {
  constructor(private readonly services: Services) {}

  @Query(() => ApiKeyConnection, { description: 'API keys, newest first.' })
  async apiKeys(@Args() { filter, ...page }: ApiKeysArgs): Promise<ApiKeyConnection> {
    return toConnection(
      ApiKeyConnection,
      await this.services.apiKeys.page(filter ?? {}, page),
      toApiKey,
    );
  }

  @Mutation(() => CreateApiKeyPayload, {
    description: 'Creates an API key and returns it once.',
  })
  async createApiKey(
    @Arg('input', () => CreateApiKeyInput, { description: 'Name and role.' })
    input: CreateApiKeyInput,
    @Ctx() ctx: PulseContext,
  ): Promise<CreateApiKeyPayload> {
    const { key, record } = await this.services.apiKeys.create(input.role, input.name.trim(), {
      actor: ctx.audit.actor,
    });

    return { key, apiKey: toApiKey(record) };
  }

  @Mutation(() => RevokeApiKeyPayload, {
    description:
      'Revokes an API key at once on this instance, within the key cache time on others. ' +
      'Revoking a revoked key changes nothing; the last live ADMIN key cannot be ' +
      'revoked (CONFLICT).',
  })
  async revokeApiKey(
    @Arg('input', () => RevokeApiKeyInput, { description: 'The key.' }) input: RevokeApiKeyInput,
    @Ctx() ctx: PulseContext,
  ): Promise<RevokeApiKeyPayload> {
    const id = fromGlobalId(input.id, 'ApiKey', 'input.id');

    return {
      apiKey: toApiKey(
        await this.services.apiKeys.revoke(id, {
          keepAnAdmin: true,
          field: 'input.id',
          actor: ctx.audit.actor,
        }),
      ),
    };
  }
}
