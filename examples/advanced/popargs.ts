/**
 * The `popargs` decorator (docs §5.2.2): segments the tree cannot match are named and become
 * parameters, and the whole stack of them reaches each handler.
 *
 *     deno run -A examples/advanced/popargs.ts
 *     curl http://127.0.0.1:8080/nirvana/                                # About nirvana...
 *     curl http://127.0.0.1:8080/nirvana/albums/nevermind/               # About nevermind by nirvana...
 *     curl http://127.0.0.1:8080/nirvana/albums/nevermind/tracks/06/polly
 *
 * `@popargs("band_name")` says: take the first segment and store it in the parameter
 * `band_name`; `@popargs("track_num", "track_title")` takes two.
 *
 * @twin §5.2.2 #1, §5.2.2 #2
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** A track: `/<band>/albums/<album>/tracks/<num>/<title>`. */
@cherrypy.popargs("track_num", "track_title")
export class Track {
  /** The track's page, with the full context. */
  @cherrypy.expose
  index(band_name: string, album_title: string, track_num: string, track_title: string): string {
    return `Track ${track_num} (${track_title}) of ${album_title} by ${band_name}`;
  }
}

/** An album: `/<band>/albums/<album>/`. */
@cherrypy.popargs("album_title")
export class Album {
  /** The album's tracks. */
  tracks: Track = new Track();

  /** The album's page. */
  @cherrypy.expose
  index(band_name: string, album_title: string): string {
    return `About ${album_title} by ${band_name}...`;
  }
}

/** The root: `/<band>/` is a band. */
@cherrypy.popargs("band_name")
export class Band {
  /** The band's albums. */
  albums: Album = new Album();

  /** The band's page. */
  @cherrypy.expose
  index(band_name: string): string {
    return `About ${band_name}...`;
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Band());
}
