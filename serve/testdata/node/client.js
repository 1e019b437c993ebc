// node-postgres and pg-cursor against crmwh's SQL endpoint, for the serve tests: connect, list
// the tables, the columns of one with their types, and read a large result with a cursor in
// batches. Prints one JSON object; the Go test checks it.
// node client.js HOST PORT USER QUERY (the password in PGPASSWORD)
const { Client } = require('pg');
const Cursor = require('pg-cursor');

async function main() {
  const [host, port, user, query] = process.argv.slice(2);
  const c = new Client({ host, port: Number(port), user, database: 'crmwh', password: process.env.PGPASSWORD });
  await c.connect();
  const out = {};
  out.tables = (await c.query(
    `SELECT n.nspname || '.' || c.relname AS t FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' ORDER BY 1`)).rows.map(r => r.t);
  out.columns = (await c.query(
    `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 ORDER BY a.attnum`, ['fact_sales'])).rows.map(r => r.attname + ' ' + r.type);
  const r = await c.query('SELECT count(*), sum(net_amount) FROM fact_sales WHERE quantity > $1', [1]);
  out.sum = [r.rows[0].count, r.rows[0].sum, r.fields.map(f => f.name)];
  const t0 = Date.now();
  const cursor = c.query(new Cursor(query));
  let rows = 0, sum = 0, batches = 0;
  for (;;) {
    const batch = await cursor.read(10000);
    if (batch.length === 0) break;
    batches++;
    for (const row of batch) { rows++; sum += Number(row.i); }
  }
  await cursor.close();
  out.cursor = { rows, sum, batches, ms: Date.now() - t0 };
  await c.end();
  console.log(JSON.stringify(out));
}

main().catch(e => { console.error(e.message); process.exit(1); });
