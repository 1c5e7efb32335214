import 'reflect-metadata';
import { type GraphQLObjectType, graphql } from 'graphql';
import { Authorized, buildSchema, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { preferSimpleFields } from '../../../src/graphql/simple-fields';

@ObjectType()
class Card {
  @Field()
  title!: string;

  @Authorized('ADMIN')
  @Field()
  secret!: string;

  @Field({ name: 'label' })
  caption!: string;

  @Field({ simple: false })
  wrapped!: string;
}

@Authorized('ADMIN')
@ObjectType()
class Vault {
  @Field()
  content!: string;
}

@Resolver()
class CardResolver {
  @Query(() => Card)
  card(): Card {
    return { title: 'T', secret: 'S', caption: 'C', wrapped: 'W' };
  }

  @Query(() => Vault)
  vault(): Vault {
    return { content: 'V' };
  }
}

describe('preferSimpleFields', () => {
  let schema: Awaited<ReturnType<typeof buildSchema>>;
  const as = (role: string, source: string) => graphql({ schema, source, contextValue: { role } });

  beforeAll(async () => {
    preferSimpleFields();
    schema = await buildSchema({
      resolvers: [CardResolver],
      authChecker: ({ context }, roles) => roles.includes((context as { role: string }).role),
      validate: false,
    });
  });

  it('leaves plain fields to graphql-js and keeps the wrapper where a field needs it', () => {
    const resolverOf = (type: string, field: string) =>
      (schema.getType(type) as GraphQLObjectType).getFields()[field].resolve;

    expect(resolverOf('Card', 'title')).toBeUndefined();
    expect(resolverOf('Card', 'secret')).toBeDefined();
    expect(resolverOf('Card', 'label')).toBeDefined();
    expect(resolverOf('Card', 'wrapped')).toBeDefined();
    expect(resolverOf('Vault', 'content')).toBeDefined();
  });

  it('still reads every field and still checks roles on fields and classes', async () => {
    expect(await as('ADMIN', '{ card { title secret label wrapped } vault { content } }')).toEqual({
      data: {
        card: { title: 'T', secret: 'S', label: 'C', wrapped: 'W' },
        vault: { content: 'V' },
      },
    });
    const refused = await as('PARTNER', '{ card { secret } }');
    expect(refused.errors?.[0].message).toMatch(/Access denied/);
    const refusedClass = await as('PARTNER', '{ vault { content } }');
    expect(refusedClass.errors?.[0].message).toMatch(/Access denied/);
    expect(await as('PARTNER', '{ card { title label } }')).toEqual({
      data: { card: { title: 'T', label: 'C' } },
    });
  });
});
