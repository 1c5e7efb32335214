/**
 * Gathers the rows that callers hand in during one turn of the event loop and writes them
 * together, in statements of at most `maxRows` rows. Under load, many requests finish in the
 * same turn (their last answers arrive together); each would otherwise send an INSERT of its own
 * and wait its turn for a pooled connection. A caller's promise settles when the statement
 * holding its row does, so it still knows its row is stored before it goes on. The statement
 * runs in the async context of the first caller of its turn, so per-request statement counts
 * give it to that request alone.
 */
export class GroupedWriter<Row> {
  private waiting: Array<{ row: Row; resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly write: (rows: Row[]) => Promise<void>,
    private readonly maxRows: number,
  ) {}

  add(row: Row): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (this.waiting.length === 1) {
        // setImmediate runs after the I/O callbacks of this turn: every request finished by the
        // answers that arrived together joins the same statement.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let start = 0; start < waiting.length; start += this.maxRows) {
      void this.writeGroup(waiting.slice(start, start + this.maxRows));
    }
  }

  // Settles every caller of the group, whether `write` rejects or throws before it returns.
  private async writeGroup(group: typeof this.waiting): Promise<void> {
    try {
      await this.write(group.map(({ row }) => row));
    } catch (error) {
      group.forEach(({ reject }) => reject(error));

      return;
    }
    group.forEach(({ resolve }) => resolve());
  }
}
