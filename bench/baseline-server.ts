// The baseline: the practical limit of Node plus the database for GET /item/{id}. A bare node:http server,
// one prepared statement that builds Junction's JSON in the database, and the text sent as it comes.
// No framework, no validation, no logging: whatever Junction adds on top is measured against this.
// Env: DATABASE_URL (sqlite:PATH or postgres://…), PORT.
import http from 'node:http';
import { Sqlite as BetterSqlite3 } from '../src/database/sqlite-driver.js';
import pg from 'pg';

const url = process.env.DATABASE_URL ?? '';
const port = Number(process.env.PORT ?? 8001);

// Item {id,name,price,store:{id,name},tags:[{id,name}…]}, tags ordered by id: the same JSON as Junction.
const SQLITE = `SELECT json_object('id', i.id, 'name', i.name, 'price', i.price,
    'store', json_object('id', s.id, 'name', s.name),
    'tags', json((SELECT json_group_array(json_object('id', t.id, 'name', t.name) ORDER BY t.id)
                  FROM items_tags l JOIN tags t ON t.id = l.tag_id WHERE l.item_id = i.id))) AS body
  FROM items i JOIN stores s ON s.id = i.store_id WHERE i.id = ?`;
const POSTGRES = `SELECT json_build_object('id', i.id, 'name', i.name, 'price', i.price,
    'store', json_build_object('id', s.id, 'name', s.name),
    'tags', coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.id)
                      FROM items_tags l JOIN tags t ON t.id = l.tag_id WHERE l.item_id = i.id), '[]'::json))::text AS body
  FROM items i JOIN stores s ON s.id = i.store_id WHERE i.id = $1`;

/** The item's JSON text, or undefined when there is none. */
let itemJson: (id: number) => Promise<string | undefined>;
if (url.startsWith('sqlite:') || url.startsWith('file:')) {
  const statement = new BetterSqlite3(url.replace(/^(sqlite|file):/, '')).prepare(SQLITE).pluck();
  itemJson = async (id) => statement.get(id) as string | undefined;
} else {
  // The same pool size as Junction's, and a named statement: parsed and planned once per connection.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  itemJson = async (id) => (await pool.query<{ body: string }>({ name: 'item', text: POSTGRES, values: [id] })).rows[0]?.body;
}

const ITEM = /^\/item\/([1-9]\d{0,15})$/;

http
  .createServer(async (request, response) => {
    const id = request.method === 'GET' ? ITEM.exec(request.url ?? '')?.[1] : undefined;
    try {
      const body = id === undefined ? undefined : await itemJson(Number(id));
      const text = body ?? '{"code":404,"status":"Not Found"}';
      response.writeHead(body === undefined ? 404 : 200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    } catch (error) {
      response.writeHead(500).end();
      console.error(error);
    }
  })
  .listen(port, '127.0.0.1');
