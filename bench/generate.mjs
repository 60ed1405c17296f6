#!/usr/bin/env node
/**
 * Seeded generator of a realistic mixed dataset for the benchmark (nothing large is committed):
 * 12 columns: ids, floats with outliers, categories with spelling variants, dates in mixed formats,
 * timestamps, quoted free text with commas and newlines; about 5% missing cells and 2% duplicate rows.
 *
 *   node bench/generate.mjs ROWS OUT.csv [SEED]
 */
import { createWriteStream } from 'node:fs';

const rows = Number(process.argv[2] ?? 1_000_000);
const out = process.argv[3] ?? 'bench/data/bench-1m.csv';
const seed = Number(process.argv[4] ?? 1);

function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = mulberry32(seed);
const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const pick = (a) => a[Math.floor(r() * a.length)];

const CATEGORIES = ['Electronics', 'Books', 'Garden', 'Toys', 'Clothing', 'Grocery', 'Sports', 'Beauty'];
const VARIANTS = { Electronics: ['electronics', 'ELECTRONICS', 'Electronic'], Books: ['books', ' Books'], Garden: ['Gardn', 'garden'] };
const CITIES = ['New York', 'Chicago', 'Houston', 'Phoenix', 'Philadelphia', 'San Antonio', 'San Diego', 'Dallas', 'Austin', 'Seattle', 'Boston', 'Denver'];
const STATUS = ['shipped', 'pending', 'cancelled', 'returned', 'delivered'];
const WORDS = 'the quick brown fox jumps over lazy dog order arrived late damaged box great service "quoted" refund please, thanks'.split(' ');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');

function csvField(s) {
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

const header = ['order_id', 'customer_id', 'amount', 'quantity', 'unit_price', 'discount', 'category', 'city', 'status', 'order_date', 'created_at', 'comment'];
const ws = createWriteStream(out, { highWaterMark: 1 << 20 });
let buf = header.join(',') + '\n';
const base = Date.UTC(2023, 0, 1);
let prev = null;

for (let i = 0; i < rows; i++) {
  let line;
  if (prev && r() < 0.02) {
    line = prev; // an exact duplicate of the previous row
  } else {
    const miss = () => r() < 0.05;
    const amount = Math.exp(4 + 0.8 * normal()) * (r() < 0.002 ? 100 : 1);
    const qty = 1 + Math.floor(r() * 10);
    let cat = pick(CATEGORIES);
    if (VARIANTS[cat] && r() < 0.03) cat = pick(VARIANTS[cat]);
    const t = base + Math.floor(r() * 365 * 86400e3);
    const d = new Date(t);
    const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, day = d.getUTCDate();
    const f = r();
    const date = f < 0.9 ? `${y}-${pad(m)}-${pad(day)}` : f < 0.97 ? `${pad(day)}/${pad(m)}/${y}` : `${MONTHS[m - 1]} ${day} ${y}`;
    const nwords = 3 + Math.floor(r() * 12);
    let comment = '';
    for (let w = 0; w < nwords; w++) comment += (w ? (r() < 0.05 ? '\n' : ' ') : '') + pick(WORDS);
    const fields = [
      String(i + 1),
      String(1000 + Math.floor(r() * 50000)),
      miss() ? '' : amount.toFixed(2),
      miss() ? '' : String(qty),
      miss() ? '' : (amount / qty).toFixed(4),
      miss() ? '' : r() < 0.7 ? '0' : (Math.floor(r() * 30) / 100).toFixed(2),
      miss() ? '' : cat,
      miss() ? '' : pick(CITIES),
      pick(STATUS),
      miss() ? '' : date,
      new Date(t + Math.floor(r() * 86400e3)).toISOString().replace('.000Z', 'Z'),
      miss() ? '' : csvField(comment),
    ];
    line = fields.join(',');
    prev = line;
  }
  buf += line + '\n';
  if (buf.length > 1 << 20) {
    if (!ws.write(buf)) await new Promise((res) => ws.once('drain', res));
    buf = '';
  }
}
ws.end(buf);
await new Promise((res) => ws.on('finish', res));
