import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType('Node', {
  description: 'An object with a global id, which `node(id)` and `nodes(ids)` resolve.',
  // Every implementing class is named as its GraphQL type, so the constructor says the type.
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id, stable for the life of the object.' })
  id!: string;
}
