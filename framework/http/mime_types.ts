/**
 * Media types by file extension, for the `Content-Type` of static files: Python's
 * `mimetypes.types_map` as CherryPy uses it. The table comes from npm's mime-db, bundled when
 * the project is built (`scripts/gen_mime_types.ts`), with CherryPy's own additions on top.
 *
 * @module
 */

import { MIME_DB } from "./_mime_db.ts";

/** CherryPy's additions to the table (`cherrypy/lib/static.py`), applied over mime-db's. */
const CHERRYPY_TYPES: Readonly<Record<string, string>> = {
  ".dwg": "image/x-dwg",
  ".ico": "image/x-icon",
  ".bz2": "application/x-bzip2",
  ".gz": "application/x-gzip",
};

function buildTypesMap(): Record<string, string> {
  const map: Record<string, string> = Object.create(null);
  for (const [top, entries] of Object.entries(MIME_DB)) {
    for (const entry of entries.split(";")) {
      const [subtype, ...extensions] = entry.split(" ");
      for (const ext of extensions) map["." + ext] = `${top}/${subtype}`;
    }
  }
  return Object.assign(map, CHERRYPY_TYPES);
}

/**
 * The media type of each file extension (`".css"` → `"text/css"`): keys have their dot and
 * are lower case. Python's `mimetypes.types_map`; add or change entries to change what the
 * static tools send, as CherryPy's docs do with `mimetypes.types_map['.csv'] = 'text/csv'`.
 *
 * @example Serve `.csv` files as `text/csv`
 * ```ts
 * import { typesMap } from "./mime_types.ts";
 * typesMap[".csv"] = "text/csv";
 * ```
 */
export const typesMap: Record<string, string> = buildTypesMap();

/**
 * The media type for a file path, from its extension (what follows the last `.` of the path,
 * lower-cased, as CherryPy's `serve_file` finds it); `null` when {@link typesMap} has none.
 *
 * @example Using `guessType`
 * ```ts
 * import { guessType } from "./mime_types.ts";
 * guessType("/srv/site/css/style.CSS"); // "text/css"
 * guessType("/srv/site/README"); // null
 * ```
 */
export function guessType(path: string): string | null {
  const dot = path.lastIndexOf(".");
  if (dot < 0) return null;
  const type = typesMap[path.slice(dot).toLowerCase()];
  return typeof type === "string" ? type : null;
}
