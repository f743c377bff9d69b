/**
 * The special `_cp_dispatch` method (docs §5.2.1): the band takes the dynamic segments of
 * the URL, puts them in the request parameters and tells the dispatcher where to go on.
 *
 *     deno run -A examples/advanced/cp_dispatch.ts
 *     curl http://127.0.0.1:8080/nirvana/                    # About nirvana...
 *     curl http://127.0.0.1:8080/nirvana/albums/nevermind/   # About nevermind by nirvana...
 *
 * The two URLs act as `/?name=nirvana` and `/albums/?artist=nirvana&title=nevermind`.
 *
 * @twin §5.2.1 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** An album: `/<artist>/albums/<title>/`. */
export class Album {
  /** The album's page. */
  @cherrypy.expose
  index(artist: string, title: string): string {
    return `About ${title} by ${artist}...`;
  }
}

/** The root: `/<name>/` is a band. */
export class Band {
  /** The albums, reached through `_cp_dispatch`. */
  albums: Album = new Album();

  /**
   * Called for segments the tree cannot match: one segment is a band name; three are
   * band name, `albums`, album title. (Not exposed: the dispatcher calls it, URLs don't.)
   */
  _cp_dispatch(vpath: string[]): unknown {
    if (vpath.length === 1) {
      cherrypy.request.params.name = vpath.pop()!;
      return this;
    }
    if (vpath.length === 3) {
      cherrypy.request.params.artist = vpath.shift()!; // /band name/
      vpath.shift(); // /albums/
      cherrypy.request.params.title = vpath.shift()!; // /album title/
      return this.albums;
    }
    // Anything else leads nowhere: 404. (The docs return `vpath` here, which ends the same.)
    return undefined;
  }

  /** The band's page. */
  @cherrypy.expose
  index(name: string): string {
    return `About ${name}...`;
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Band());
}
