import { IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Role } from '../auth/principal';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';

@ObjectType({
  implements: Node,
  description:
    'An API key: who or what it is for, its role and its life. The key itself is never stored.',
})
export class ApiKey extends Node {
  @Field({ description: 'Who or what the key is for.' })
  name!: string;

  @Field(() => Role, { description: 'What the key may do.' })
  role!: Role;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @Field({ description: 'When the key was created (UTC).' })
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Last request made with the key (UTC, to the minute); null when never used.',
  })
  lastUsedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the key was revoked (UTC); null while it is live.',
  })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A page of API keys, newest first.' })
export class ApiKeyConnection extends ConnectionType(ApiKey) {}

@InputType({ description: 'Which API keys to list.' })
export class ApiKeyFilter {
  @Field(() => Role, { nullable: true, description: 'Only keys with this role.' })
  @IsOptional()
  role?: Role;

  @Field({ nullable: true, description: 'Also list revoked keys (default false).' })
  @IsOptional()
  includeRevoked?: boolean;
}

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Field({ description: 'Who or what the key is for (1–100 characters).' })
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @Field(() => Role, { description: 'What the key may do.' })
  role!: Role;
}

@ObjectType({ description: 'The created key, shown this once.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { description: 'The key as stored.' })
  apiKey!: ApiKey;

  @Field({
    description:
      'The key itself, to send as `Authorization: Bearer <key>`. It is stored only as a hash and ' +
      'cannot be shown again.',
  })
  key!: string;
}

@InputType({ description: 'The API key to revoke.' })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: 'Global id of the key.' })
  id!: string;
}

@ObjectType({ description: 'The revoked key.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKey, {
    description: 'The key, with `revokedAt` set. Requests with it fail with UNAUTHENTICATED.',
  })
  apiKey!: ApiKey;
}
