import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects `name` among its own subfields, directly or through
 * fragments. Directives are not evaluated: a subfield under `@skip` counts as selected, so a
 * resolver that asks errs towards reading more, never less.
 */
export function selectsSubfield(info: GraphQLResolveInfo, name: string): boolean {
  const expanded = new Set<string>();
  const within = (selectionSet: SelectionSetNode | undefined): boolean =>
    (selectionSet?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) {
        return selection.name.value === name;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        return within(selection.selectionSet);
      }
      const fragment = selection.name.value;
      if (expanded.has(fragment)) {
        return false;
      }
      expanded.add(fragment);

      return within(info.fragments[fragment]?.selectionSet);
    });

  return info.fieldNodes.some((node) => within(node.selectionSet));
}
