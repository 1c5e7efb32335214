import { IsOptional, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'Items to return after `after` (default 20, at most 100).',
  })
  @IsOptional()
  @Min(0)
  first?: number;

  @Field({ nullable: true, description: 'Cursor of the item to continue after.' })
  after?: string;
}

@ArgsType()
export class PageArgsInput extends ForwardPageArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'Items to return before `before` (paging backwards).',
  })
  @IsOptional()
  @Min(0)
  last?: number;

  @Field({ nullable: true, description: 'Cursor of the item to continue before.' })
  before?: string;
}
