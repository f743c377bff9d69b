/**
 * Tutorial 11's application (docs §3.11): the superstore's tills and sections. The handlers
 * only take the customer's basket and answer; which till serves whom is the dispatcher's
 * business (`dispatchers.ts`), discounts the tool's (`tools.ts`), and the stock the backend
 * crew's, a plugin on the engine (`plugins.ts`), which the handlers reach through the bus.
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";
import type { StockTake } from "./plugins.ts";

/** Prices in cents, by product. */
export const PRICES: Readonly<Record<string, number>> = {
  apple: 50,
  bread: 220,
  cherry: 15,
  milk: 110,
};

/** What a till answers: the till, the basket, what it costs and what is left on the shelf. */
export interface Receipt {
  /** The till that served the customer. */
  till: string;
  /** The product bought. */
  product: string;
  /** How many. */
  items: number;
  /** The price before the discount, in cents. */
  price: number;
  /** The discount applied, in percent (0 when none). */
  discount: number;
  /** What the customer pays, in cents. */
  total: number;
  /** What is left of the product after this sale. */
  left: number;
}

/**
 * Takes `items` of `product` from the stock, through whoever listens on `stock-take`; answers
 * what is left. 409 when the shelf has too few, 503 when nobody listens (the engine is not
 * running).
 */
async function take(product: string, items: number): Promise<number> {
  const answers = await cherrypy.engine.publish("stock-take", product, items);
  const answer = answers[0] as StockTake | undefined;
  if (answer === undefined) throw new cherrypy.HTTPError(503, "The store is closed.");
  if (!answer.taken) {
    throw new cherrypy.HTTPError(409, `Only ${answer.left} ${product} left on the shelf.`);
  }
  return answer.left;
}

/** One till: it sells a basket of one product. */
export class Till {
  /** The till's name (`express`, `card`, `regular`). */
  readonly name: string;

  /** Creates the till called `name`. */
  constructor(name: string) {
    this.name = name;
  }

  /** `/tills/<name>/checkout?product=apple&items=3`: the receipt, as JSON. */
  @cherrypy.expose
  @cherrypy.tools.json_out()
  async checkout(product = "apple", items = "1"): Promise<Receipt> {
    const count = Number(items);
    if (!Number.isInteger(count) || count < 1) {
      throw new cherrypy.HTTPError(400, `items must be a whole number above 0, not ${items}.`);
    }
    const unit = PRICES[product];
    if (unit === undefined) throw new cherrypy.HTTPError(404, `We sell no ${product}.`);
    const left = await take(product, count);
    const price = unit * count;
    const discount = Number(cherrypy.request.discount ?? 0);
    const total = Math.round(price * (100 - discount) / 100);
    return { till: this.name, product, items: count, price, discount, total, left };
  }
}

/** The tills. */
export class Tills {
  /** For baskets of fewer than ten items. */
  express: Till = new Till("express");
  /** For holders of the store card. */
  card: Till = new Till("card");
  /** For everybody else. */
  regular: Till = new Till("regular");
}

/** The store: the tills, and the sections' shelves. */
export class Store {
  /** `/tills/...` (reached through `/checkout` and the till dispatcher). */
  tills: Tills = new Tills();

  /** `/`: what the store sells. */
  @cherrypy.expose
  index(): string {
    const lines = Object.entries(PRICES).map(([p, c]) => `${p}: ${(c / 100).toFixed(2)} EUR`);
    return `Welcome to the superstore.\n${lines.join("\n")}\n`;
  }

  /** `/shelves`: the stock of every product, as the crew keeps it. */
  @cherrypy.expose
  @cherrypy.tools.json_out()
  async shelves(): Promise<unknown> {
    const answers = await cherrypy.engine.publish("stock-level");
    if (answers.length === 0) throw new cherrypy.HTTPError(503, "The store is closed.");
    return answers[0];
  }
}
