// A normalised picture of what Prisma can see in the public schema: enums, tables, columns,
// primary/unique/foreign keys and indexes. Partitions, CHECK constraints, policies and
// functions are left out: Prisma does not model them, and the migrations own them. So are
// partial and covering (INCLUDE) indexes (the Prisma that renders our datamodel cannot write them); they
// are listed on their own, for a test to pin them.
import pg from "pg";

export interface TableSnapshot {
  columns: Record<string, string>;
  keys: Record<string, string>;
  indexes: Record<string, string>;
}

export interface SchemaSnapshot {
  enums: Record<string, string[]>;
  tables: Record<string, TableSnapshot>;
  /** index name -> definition, for the indexes with a WHERE clause */
  partialIndexes: Record<string, string>;
}

export async function snapshotSchema(url: string): Promise<SchemaSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const enums = await client.query<{ name: string; labels: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' GROUP BY t.typname`,
    );
    const columns = await client.query<{ table: string; column: string; definition: string }>(
      `SELECT c.relname AS table, a.attname AS column,
              format_type(a.atttypid, a.atttypmod)
              || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END
              || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS definition
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname <> '_prisma_migrations'`,
    );
    const keys = await client.query<{ table: string; name: string; definition: string }>(
      `SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND k.contype IN ('p', 'u', 'f') AND NOT c.relispartition
          AND c.relname <> '_prisma_migrations'`,
    );
    const indexes = await client.query<{ table: string; name: string; definition: string; partial: boolean }>(
      `SELECT c.relname AS table, i.relname AS name, pg_get_indexdef(i.oid) AS definition,
              (x.indpred IS NOT NULL OR x.indnkeyatts < x.indnatts) AS partial
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT c.relispartition AND c.relname <> '_prisma_migrations'`,
    );

    const tables: Record<string, TableSnapshot> = {};
    const tableOf = (name: string): TableSnapshot => {
      tables[name] ??= { columns: {}, keys: {}, indexes: {} };
      return tables[name];
    };
    for (const row of columns.rows) tableOf(row.table).columns[row.column] = row.definition;
    for (const row of keys.rows) tableOf(row.table).keys[row.name] = row.definition;
    const partialIndexes: Record<string, string> = {};
    for (const row of indexes.rows) {
      // An index on a partitioned table is defined "ON ONLY" the parent; the shape is the same.
      const definition = row.definition.replace(" ON ONLY ", " ON ");
      if (row.partial) partialIndexes[row.name] = definition;
      else tableOf(row.table).indexes[row.name] = definition;
    }
    return { enums: Object.fromEntries(enums.rows.map((row) => [row.name, row.labels])), tables, partialIndexes };
  } finally {
    await client.end();
  }
}
