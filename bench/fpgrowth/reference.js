// Reference side of bench/fpgrowth: the npm package node-fpgrowth on the same baskets.
//   node reference.js FILE FORMAT REPEAT SUPPORT...
// FORMAT is "csv" (items separated by commas) or "dat" (by spaces). Reads the baskets once
// (not timed), then for each support runs FPGrowth REPEAT times and prints
// "SUPPORT ITEMSETS MEDIAN_SECONDS" per line.
const fs = require('fs');
const path = require('path');
const { FPGrowth } = require(path.join(process.env.FPGROWTH_MODULES, 'node-fpgrowth'));

async function main() {
  const [file, format, repeat, ...supports] = process.argv.slice(2);
  const sep = format === 'csv' ? ',' : ' ';
  const transactions = fs.readFileSync(file, 'utf8').split('\n')
    .map((l) => l.trim()).filter((l) => l.length > 0)
    .map((l) => l.split(sep).filter((x) => x.length > 0));
  for (const s of supports) {
    const times = [];
    let count = 0;
    for (let r = 0; r < Number(repeat); r++) {
      const t0 = process.hrtime.bigint();
      const itemsets = await new FPGrowth(Number(s)).exec(transactions);
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
      count = itemsets.length;
    }
    times.sort((a, b) => a - b);
    console.log(`${s} ${count} ${times[Math.floor(times.length / 2)].toFixed(4)}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
