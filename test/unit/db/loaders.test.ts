import { parentArgsLoader } from '../../../src/db/loaders';

describe('parentArgsLoader', () => {
  function recordingLoader() {
    const fetches: Array<{ parentIds: number[]; args: { limit: number } }> = [];
    const loader = parentArgsLoader<{ limit: number }, string[]>(
      (parentIds, args) => {
        fetches.push({ parentIds, args });

        return Promise.resolve(
          new Map(parentIds.map((id) => [id, [`${id} of ${args.limit}`]] as [number, string[]])),
        );
      },
      () => [],
      { batch: true },
    );

    return { loader, fetches };
  }

  it('fetches parents with equal arguments together and answers each with its own rows', async () => {
    const { loader, fetches } = recordingLoader();
    const answers = await Promise.all([
      loader.load({ parentId: 1, args: { limit: 5 } }),
      loader.load({ parentId: 2, args: { limit: 5 } }),
      loader.load({ parentId: 1, args: { limit: 3 } }),
    ]);

    expect(answers).toEqual([['1 of 5'], ['2 of 5'], ['1 of 3']]);
    expect(fetches).toEqual([
      { parentIds: [1, 2], args: { limit: 5 } },
      { parentIds: [1], args: { limit: 3 } },
    ]);
  });

  it('serves a repeated key from its cache, by value, and a parent without rows with empty()', async () => {
    const { loader, fetches } = recordingLoader();
    await loader.load({ parentId: 7, args: { limit: 5 } });
    const again = await loader.load({ parentId: 7, args: { limit: 5 } });

    expect(again).toEqual(['7 of 5']);
    expect(fetches).toHaveLength(1);

    const none = parentArgsLoader<{ limit: number }, string[]>(
      () => Promise.resolve(new Map()),
      () => [],
      { batch: true },
    );
    await expect(none.load({ parentId: 9, args: { limit: 1 } })).resolves.toEqual([]);
  });
});
