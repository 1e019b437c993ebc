// An independent reader of crmwh's lake for the jobs tests: hyparquet, a Parquet implementation
// of its own in JavaScript, reads every Parquet file below each directory given and prints, per
// directory, the rows, each column's non-null values and (numbers and dates) their sum, the
// columns' Parquet types and the partition folders. The Go test compares it with DuckDB.
// node reader.mjs DIR...
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.parquet')) out.push(p);
  }
  return out;
}

const out = {};
for (const dir of process.argv.slice(2)) {
  const result = { rows: 0, columns: {}, types: {}, folders: [] };
  for (const f of files(dir)) {
    const folder = relative(dir, dirname(f));
    if (folder && !result.folders.includes(folder)) result.folders.push(folder);
    const file = await asyncBufferFromFile(f);
    const metadata = await parquetMetadataAsync(file);
    for (const el of metadata.schema.slice(1)) {
      if (el.num_children) continue; // a list's or struct's group: its leaves are listed
      result.types[el.name] = { type: el.type, converted: el.converted_type ?? null, logical: el.logical_type ?? null, precision: el.precision ?? null };
    }
    const rows = await parquetReadObjects({ file, metadata, compressors, utf8: true });
    result.rows += rows.length;
    for (const row of rows) {
      for (const [k, v] of Object.entries(row)) {
        const c = result.columns[k] ??= { values: 0, sum: 0 };
        if (v === null || v === undefined) continue;
        c.values++;
        if (typeof v === 'number') c.sum += v;
        else if (typeof v === 'bigint') c.sum += Number(v);
        else if (v instanceof Date) c.sum += v.getTime() / 1000;
      }
    }
  }
  out[dir] = result;
}
console.log(JSON.stringify(out, (k, v) => typeof v === 'bigint' ? Number(v) : v));
