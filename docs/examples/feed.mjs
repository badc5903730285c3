// The changes feed, read in Node.js with the official `mongodb` driver (docs/consumers.md):
// every article new, revised, moved or removed since the last poll, exactly once, oldest
// change first. The same loop as feed.py beside it.
//
//   npm install --prefix docs/examples          # once: the driver, from package.json
//   node docs/examples/feed.mjs --uri mongodb://127.0.0.1:27017/ --database newsscraper \
//        --bookmark var/feed.bookmark [--lag 300] [--follow 60]
//
// Prints one JSON line per change (_id, version, changed_at, gone_at, title, url); replace
// handle() with what your copy does. The bookmark file holds the upper bound of the last
// poll (ISO 8601, UTC), written after the poll's changes are handled: a reader killed
// mid-poll reads that poll again, so handle() must be idempotent (upsert by _id).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { MongoClient } from "mongodb";

const EPOCH = new Date(0);

function loadBookmark(path) {
  return existsSync(path) ? new Date(readFileSync(path, "utf8").trim()) : EPOCH;
}

function saveBookmark(path, when) {
  // a crash leaves the old bookmark, never half a new one
  writeFileSync(`${path}.part`, `${when.toISOString()}\n`);
  renameSync(`${path}.part`, path);
}

// One change: new (version 1), revised (version > 1), moved (URLs on a new origin) or
// removed (gone_at set). Dates come as JS Dates (UTC, millisecond precision).
function handle(doc) {
  process.stdout.write(JSON.stringify({
    _id: doc._id, version: doc.version, changed_at: doc.changed_at.toISOString(),
    gone_at: doc.gone_at ? doc.gone_at.toISOString() : null, title: doc.title, url: doc.url,
  }) + "\n");
}

async function poll(articles, bookmark, lagSeconds) {
  const last = loadBookmark(bookmark);
  const upto = new Date(Date.now() - lagSeconds * 1000);
  if (upto <= last) return 0;
  let count = 0;
  const cursor = articles
    .find({ changed_at: { $gt: last, $lte: upto } })
    .sort([["changed_at", 1], ["_id", 1]]);
  for await (const doc of cursor) {
    handle(doc);
    count += 1;
  }
  saveBookmark(bookmark, upto); // the bound, not the newest changed_at seen
  return count;
}

async function main() {
  const { values } = parseArgs({
    options: {
      uri: { type: "string", default: process.env.MONGO_URI ?? "mongodb://127.0.0.1:27017/" },
      database: { type: "string", default: process.env.MONGO_DATABASE ?? "newsscraper" },
      bookmark: { type: "string" },
      lag: { type: "string", default: "300" },
      follow: { type: "string" },
    },
  });
  if (!values.bookmark) {
    console.error("feed.mjs: --bookmark FILE is required");
    return 2;
  }
  const client = new MongoClient(values.uri, { serverSelectionTimeoutMS: 10000 });
  try {
    const articles = client.db(values.database).collection("articles");
    for (;;) {
      const n = await poll(articles, values.bookmark, Number(values.lag));
      console.error(`feed: ${n} change(s)`);
      if (values.follow === undefined) return 0;
      await new Promise((resolve) => setTimeout(resolve, Number(values.follow) * 1000));
    }
  } finally {
    await client.close();
  }
}

process.exitCode = await main();
