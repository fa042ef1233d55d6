/**
 * wschat.js — the browser client of WSChat.
 *
 * A drop-in replacement for the 2013 SVP client: the same global `WSChat`, the same methods
 * (`init`, `message`, `broadcast`, `close`), callbacks and fields, with the same argument order.
 * On top of that: `onjoin(who)`, `list()` (a Promise of the room's names), rooms through the URL
 * (`ws://host/wschat/wschat/myroom`), and reconnection done properly — exponential backoff with
 * full jitter, messages sent meanwhile kept until it is back, and a session resumed after a drop
 * (`onresumed()`): the name kept, every frame that came meanwhile delivered once, in order, and the
 * room never sees the viewer leave; when it cannot be resumed it identifies afresh (`onconnected`).
 * For watch parties: the room's shared state (`state`, `onstate`, `setState` with compare-and-set)
 * and the server's clock (`serverNow()`), so that every page agrees on what plays and where.
 * For private rooms, the site's signed token (init's `token` or `tokenProvider`); for big rooms,
 * presence in batches (`batchedPresence`), with onjoin and onquit called once per name as before.
 *
 * No build step and no dependencies: include it with a plain `<script src="/wschat/js/wschat.js">`.
 *
 * Like the 2013 client, `WSChat()` works with or without `new`.
 *
 * @example
 * var chat = WSChat();            // or: new WSChat()
 * chat.onconnected = function (message) { chat.broadcast({action: "hello"}); };
 * chat.onbroadcast = function (message, from) { console.log(from, message); };
 * chat.init("ws://" + location.host + "/wschat/wschat/party42", "alice");
 */
(function (global) {
  "use strict";

  /** First reconnection delay bound, in milliseconds; it doubles with every failed attempt. */
  var BACKOFF_BASE_MS = 500;
  /** Largest reconnection delay bound, in milliseconds. */
  var BACKOFF_CAP_MS = 20000;
  /**
   * After a reconnect the server may still hold the name for the old connection until it notices
   * that connection is gone (a ping later, at worst). A 305 then is not "really taken": identify
   * again, with backoff, this many times before reporting it.
   */
  var NAME_RECLAIM_ATTEMPTS = 8;
  /** Messages kept while disconnected; beyond this the oldest are dropped and reported. */
  var MAX_QUEUED = 1000;
  /** How long list() waits for its answer, in milliseconds. */
  var LIST_TIMEOUT_MS = 10000;
  /** How long setState() waits for the server's answer, in milliseconds. */
  var STATE_TIMEOUT_MS = 10000;
  /**
   * Clock samples: the offset to the server's clock is taken from the samples with the shortest
   * round trip (the least room for asymmetric delay), out of the last CLOCK_SAMPLES_KEPT.
   */
  var CLOCK_SAMPLES_KEPT = 8;
  var CLOCK_SAMPLES_USED = 3;
  /**
   * Of those, only trips at most this many times as long as the shortest are averaged: a sample's
   * offset can be off by half its trip, and a long trip is mostly a reply handled late by a busy
   * page (a page still loading took 90 ms over a sample whose reply came in 7 ms, and the average
   * of the two was 22 ms off).
   */
  var CLOCK_TRIP_SPREAD = 2;
  /** Samples taken right after identifying, this far apart (ms), for a good first estimate. */
  var CLOCK_BURST = 5;
  var CLOCK_BURST_SPACING_MS = 250;
  /** Then one sample this often (ms), so the estimate follows a changing network. */
  var CLOCK_REFRESH_MS = 30000;
  /** Close codes after which reconnecting cannot help: the request itself is refused. */
  var FINAL_CLOSE_CODES = {1003: true, 1009: true};

  /**
   * A connection to a WSChat room. Called as a plain function (`WSChat()`, as 2013 pages do) it
   * returns a new instance all the same.
   * @constructor
   */
  function WSChat() {
    if (!(this instanceof WSChat)) {
      return new WSChat();
    }
    /** Connection attempts since the last one that opened. @type {number} */
    this.retries = 0;
    /** True while no connection is open (before init(), while reconnecting, after close()). @type {boolean} */
    this.closed = true;
    /** Log traffic and state changes to the console. @type {boolean} */
    this.log = false;
    /** Never reconnect by itself. @type {boolean} */
    this.noretry = false;
    /** The last command sent (or queued), as an object; passed to onerror. */
    this.lastmessage = undefined;
    /**
     * Ask the server for a session that outlives a lost connection (PROTOCOL.md §9): after a
     * drop, the client resumes it and gets every frame it missed, keeping its name, and the room
     * never sees it leave. Set to false before init() to identify as the 2013 client did.
     * @type {boolean}
     */
    this.resume = true;
    /**
     * Ask the server for presence in batches (PROTOCOL.md §15): in a room of thousands, who came
     * and went arrives every quarter second in one frame instead of one frame per viewer. onjoin
     * and onquit are called once per name all the same. Set to false before init() for one
     * join/quit frame per viewer, as the 2013 server sent them.
     * @type {boolean}
     */
    this.batchedPresence = true;
    /** The URL and name given to init(). */
    this.url = null;
    this.name = null;
    /**
     * The room's shared state as this client last heard it (PROTOCOL.md §10): key →
     * `{value, version, from, time}`, kept current by every state frame; keys deleted are absent.
     * Read it; change it with setState().
     * @type {Object<string, {value: *, version: number, from: string, time: number}>}
     */
    this.state = {};

    /** True once close() was called: no reconnection, until init() again. */
    this._stopped = true;
    /** Reconnections since the last identify; the backoff grows with it. */
    this._attempts = 0;
    this._socket = null;
    this._identified = false;
    this._wasIdentified = false;
    this._reclaimAttempts = 0;
    this._queue = [];
    this._ledger = new AnswerLedger();
    this._clock = new ServerClock(this);
    this._timer = null;
    /** The session's token, once the server opened one; null without. */
    this._session = null;
    /** The seq of the last frame processed in the session. */
    this._last = 0;
  }

  /**
   * Called once identified, with the server's message; again after a reconnect that could not
   * resume the session (the page should then sync up again, as it missed what happened meanwhile).
   * @param {string} message
   */
  WSChat.prototype.onconnected = function (message) {};
  /**
   * Called after a reconnect that resumed the session: nothing was missed (the frames sent
   * meanwhile have just come through the usual callbacks, in order), and nobody saw this client
   * leave. onconnected is not called.
   */
  WSChat.prototype.onresumed = function () {};
  /** A direct message for us. @param {*} message @param {string} from @param {MessageEvent} e */
  WSChat.prototype.onmessage = function (message, from, e) {};
  /** A broadcast from another viewer of the room. @param {*} message @param {string} from @param {MessageEvent} e */
  WSChat.prototype.onbroadcast = function (message, from, e) {};
  /** A viewer left the room (or gave up that name). @param {string} who @param {MessageEvent} e */
  WSChat.prototype.onquit = function (who, e) {};
  /** A viewer identified in the room. @param {string} who @param {MessageEvent} e */
  WSChat.prototype.onjoin = function (who, e) {};
  /**
   * The server refused something: `code` is the outcome code (10, 305, 400, 401, 404, 429),
   * `lastmessage` the last command this client sent.
   * @param {number} code @param {string} message @param {Object} lastmessage
   */
  WSChat.prototype.onerror = function (code, message, lastmessage) {};
  /**
   * A key of the room's state changed (or, right after onconnected, was already set): `value`
   * null means deleted. `chat.state` is already updated when this is called.
   * @param {string} key @param {*} value @param {string} from the writer
   * @param {number} version @param {number} time the server's time of the write (ms)
   */
  WSChat.prototype.onstate = function (key, value, from, version, time) {};
  /** The WebSocket reported an error. @param {Event} e */
  WSChat.prototype.onwserror = function (e) {};
  /** The WebSocket closed (reconnection follows unless closed or noretry). @param {CloseEvent} e */
  WSChat.prototype.onclose = function (e) {};

  /**
   * Connects to `url` and identifies as `name`.
   * @param {string} url e.g. "ws://host:8080/wschat" (the lobby, as 2013 pages write it),
   *   "ws://host:8080/wschat/wschat" (the same) or "ws://host:8080/wschat/wschat/room"
   * @param {string} name the nickname to claim
   * @param {boolean|Object} [noretry] true: do not reconnect by itself; left out: as before. May
   *   also be the options object itself: `init(url, name, {token: t})`
   * @param {{session: ?Object, token: ?string, tokenProvider: ?function(): Promise<string>,
   *   noretry: ?boolean}} [options] `session`: what {@link WSChat#session} read on an
   *   earlier page of this viewer (say, before a reload): resume that session (onresumed) instead
   *   of identifying, with `state` as it was then; if the server cannot resume it (410) the client
   *   identifies as `name` (onconnected), as after any failed resume. `token`: the site's signed
   *   token for a private room, sent with every identify; `tokenProvider`: a function returning a
   *   Promise of a fresh token, called before each identify (so that a reconnect hours later
   *   still gets in). A token the server refuses ends in onerror(401, why) and no reconnection;
   *   a tokenProvider that fails is reported as onerror(401, "No token: …") and asked again on the
   *   next reconnection, with the usual backoff.
   * @returns {boolean|undefined} false, and nothing done, while a connection is open
   */
  WSChat.prototype.init = function (url, name, noretry, options) {
    if (!this.closed) {
      return false;
    }
    if (noretry !== null && typeof noretry === "object") {
      options = noretry;
      noretry = options.noretry;
    }
    this._token = options && options.token || null;
    this._tokenProvider = options && options.tokenProvider || null;
    clearTimeout(this._timer);
    this.url = url;
    this.name = name;
    if (noretry !== undefined) {
      this.noretry = !!noretry;
    }
    var saved = usableSession(options && options.session);
    this._stopped = false;
    this.retries = 0;
    this._attempts = 0;
    // A session from an earlier page means this viewer held the name a moment ago: a 305 after a
    // refused resume is most likely that page's connection, not yet noticed as gone (see 305 below).
    this._wasIdentified = !!saved;
    this._session = saved ? saved.token : null;
    this._last = saved ? saved.last : 0;
    // A resume replays only the frames after `last`: the state as of that frame comes with it.
    this.state = saved ? copyOf(saved.state) : {};
    this._open();
  };

  /**
   * The session this client holds, for a page to keep across a reload (in sessionStorage, as
   * JSON) and hand back to init(): `token`, `last` (the seq of the last frame processed) and
   * `state` (chat.state as of that frame); null without a session. It changes with every frame:
   * read it when the page is left (pagehide). The server keeps a session only for a connection
   * lost without a close frame, and browsers close a page's sockets with 1001 when it unloads: a
   * plain reload ends the session and the resume is refused (410); it helps when the connection
   * had already died (a network change, a sleeping laptop) before the page was reloaded.
   * @type {?{token: string, last: number, state: Object}}
   */
  Object.defineProperty(WSChat.prototype, "session", {
    get: function () {
      return this._session ? {token: this._session, last: this._last, state: copyOf(this.state)} : null;
    }
  });

  /**
   * Sends `message` (any JSON value) to the viewer named `to`.
   * @param {*} message @param {string} to
   */
  WSChat.prototype.message = function (message, to) {
    this._command({command: "message", to: to, message: message});
  };

  /**
   * Sends `message` (any JSON value) to every other viewer of the room.
   * @param {*} message
   */
  WSChat.prototype.broadcast = function (message) {
    this._command({command: "broadcast", message: message});
  };

  /**
   * The names in the room, sorted.
   * @returns {Promise<string[]>}
   */
  WSChat.prototype.list = function () {
    return this._ask({command: "list"}, LIST_TIMEOUT_MS);
  };

  /**
   * Sets one key of the room's state; `value` null deletes it. With `options.ifVersion` the
   * write is applied only if the key is still at that version (0: never set), so that of two
   * viewers acting on the same version exactly one wins.
   *
   * Resolves with the key's new version once the server has applied it (every viewer of the
   * room, this one included, gets it through onstate in the same order). Rejects with a
   * {@link WSChat.StateError}: code 409 when the key had moved on (its `version` is the current
   * one: read `chat.state[key]` and decide again), 413 when the room's state would grow past the
   * server's limits, 400 for a key the server refuses; or with an Error when no answer came.
   * @param {string} key 1–64 characters, under the same rules as a name
   * @param {*} value any JSON value; null deletes the key
   * @param {{ifVersion: number}} [options]
   * @returns {Promise<number>}
   */
  WSChat.prototype.setState = function (key, value, options) {
    var command = {command: "state", key: key, value: value === undefined ? null : value};
    if (options && options.ifVersion !== undefined) {
      command.ifVersion = options.ifVersion;
    }
    return this._ask(command, STATE_TIMEOUT_MS);
  };

  /**
   * The server's clock, in milliseconds since the epoch, whatever this computer's clock says:
   * this browser's monotonic clock plus an offset estimated NTP-style from `time` round trips
   * (the shortest of the recent ones), refreshed in the background while connected. Before any
   * round trip it is taken from the init frame; before that, it is this computer's clock.
   * @returns {number}
   */
  WSChat.prototype.serverNow = function () {
    return this._clock.now();
  };

  /**
   * The uncertainty of serverNow() in milliseconds (half the longest of the round trips it
   * averages: the shortest recent ones, within twice the shortest), or Infinity
   * before the first round trip.
   * @returns {number}
   */
  WSChat.prototype.clockError = function () {
    return this._clock.error();
  };

  /** Closes the connection for good: no reconnection, queued messages dropped. */
  WSChat.prototype.close = function () {
    this._stopped = true;
    clearTimeout(this._timer);
    this._clock.stop();
    var waiting = this._queue;
    this._queue = [];
    this._ledger.abandon(new Error("closed"));
    for (var i = 0; i < waiting.length; i++) {
      this._ledger.settle(waiting[i], null, new Error("closed"));
    }
    if (this._socket) {
      this._socket.close(1000, "bye");
    }
  };

  WSChat.prototype._open = function () {
    var self = this;
    var socket;
    this._trace("connecting to " + this.url);
    try {
      socket = new WebSocket(this.url);
    } catch (err) {
      this.onwserror(err);
      this._reconnectLater();
      return;
    }
    this._socket = socket;
    this._identified = false;
    socket.onopen = function () {
      if (socket === self._socket) {
        self.closed = false;
        self.retries = 0;
      }
    };
    socket.onmessage = function (e) {
      if (socket === self._socket) {
        self._receive(e);
      }
    };
    socket.onerror = function (e) {
      self._trace("websocket error");
      self.onwserror(e);
    };
    socket.onclose = function (e) {
      if (socket === self._socket) {
        self._lost(e);
      }
    };
  };

  WSChat.prototype._receive = function (e) {
    var data;
    try {
      data = JSON.parse(e.data);
    } catch (err) {
      this._trace("unreadable frame from the server");
      return;
    }
    this._trace("<- " + e.data);
    if (data.type === "init" && typeof data.time === "number") {
      this._clock.roughly(data.time);
    }
    this._dispatch(data, e);
    if (typeof data.seq === "number" && this._session) {
      this._last = data.seq; // processed
    }
  };

  WSChat.prototype._dispatch = function (data, e) {
    switch (data.type) {
      case "init":
        if (this._session) {
          this._send({command: "resume", session: this._session, last: this._last});
        } else {
          this._identify();
        }
        break;
      case "outcome":
        this._outcome(data);
        break;
      case "broadcast":
        this.onbroadcast(data.message, data.from, e);
        break;
      case "message":
        this.onmessage(data.message, data.from, e);
        break;
      case "quit":
        this.onquit(data.who, e);
        break;
      case "join":
        this.onjoin(data.who, e);
        break;
      case "presence":
        this._presence(data, e);
        break;
      case "list":
        this._ledger.answered(function (asked) { return asked.command === "list"; }, data.names, null);
        break;
      case "state":
        this._stateChanged(data);
        break;
      case "time":
        this._clock.answered(data);
        break;
      default:
        break;
    }
  };

  WSChat.prototype._outcome = function (data) {
    if (!this._identified && (data.code === 300 || data.code === 301)) {
      if (data.code === 300) {
        this._session = data.session || null;
        this._last = 0;
        // A fresh start: the server sends the room's state again, right after this outcome.
        this.state = {};
        this._ledger.abandon(new Error("connection lost before the server answered"));
      }
      this._identified = true;
      this._clock.start();
      this._wasIdentified = true;
      this._reclaimAttempts = 0;
      this._attempts = 0;
      if (data.code === 301) {
        this._trace("resumed after frame " + this._last);
        this.onresumed();
      } else {
        this.onconnected(data.message);
      }
      this._flushQueue();
      return;
    }
    if (!this._identified && data.code === 401) {
      // The site's token does not admit us: trying again with it cannot help.
      this._trace("token refused: " + data.message);
      this.onerror(data.code, data.message, this.lastmessage);
      this.close();
      return;
    }
    if (!this._identified && data.code === 410) {
      // The session is over (too long away, or too much missed): start afresh; the page re-syncs.
      this._trace("session cannot be resumed: identifying afresh");
      this._session = null;
      this._last = 0;
      this._identify();
      return;
    }
    var self = this;
    if (!this._identified && data.code === 305 && this._wasIdentified
        && this._reclaimAttempts < NAME_RECLAIM_ATTEMPTS) {
      // Probably our own previous connection, not yet noticed as gone: try again shortly.
      var delay = backoff(this._reclaimAttempts++);
      this._trace("name still held, identifying again in " + delay + " ms");
      this._timer = setTimeout(function () {
        self._identify();
      }, delay);
      return;
    }
    if (!data.success) {
      var failed = this._ledger.answered(failedBy(data.code), null, stateError(data));
      if (!failed || !failed.reject) { // a Promise's rejection is its caller's report
        this.onerror(data.code, data.message, failed ? failed.command : this.lastmessage);
      }
    }
  };

  /** Presence in batches (the server's "presence" frames): onjoin and onquit once per name, as before. */
  WSChat.prototype._presence = function (data, e) {
    var self = this;
    (data.left || []).forEach(function (who) {
      if (who !== self.name) {
        self.onquit(who, e);
      }
    });
    (data.joined || []).forEach(function (who) {
      if (who !== self.name) {
        self.onjoin(who, e);
      }
    });
  };

  /**
   * A state frame: chat.state follows it (a version not newer than the one held is a frame
   * already applied), then onstate; and if it is this client's own write, its answer.
   */
  WSChat.prototype._stateChanged = function (data) {
    var held = this.state[data.key];
    if (held && held.version >= data.version) {
      return;
    }
    if (data.value === null) {
      delete this.state[data.key];
    } else {
      this.state[data.key] = {value: data.value, version: data.version, from: data.from, time: data.time};
    }
    if (data.from === this.name) {
      this._ledger.answered(function (asked) {
        return asked.command === "state" && asked.key === data.key;
      }, data.version, null);
    }
    this.onstate(data.key, data.value, data.from, data.version, data.time);
  };

  /** Sends `command` and returns a Promise of its answer (see AnswerLedger). */
  WSChat.prototype._ask = function (command, timeoutMs) {
    var self = this;
    return new Promise(function (resolve, reject) {
      var entry = {command: command, resolve: resolve, reject: reject};
      entry.timer = setTimeout(function () {
        self._ledger.settle(entry, null, new Error("no answer to " + command.command));
      }, timeoutMs);
      self._command(command, entry);
    });
  };

  WSChat.prototype._flushQueue = function () {
    var self = this;
    var waiting = this._queue;
    this._queue = [];
    waiting.forEach(function (entry) {
      self._dispatchCommand(entry);
    });
  };

  WSChat.prototype._lost = function (e) {
    this._trace("closed " + e.code + " " + e.reason);
    this._socket = null;
    this.closed = true;
    this._identified = false;
    this._clock.stop();
    if (!this._session || this._stopped) {
      // Without a session the answers are lost with the connection; with one they come in the
      // replay after a resume (or the promises are rejected when it cannot resume).
      this._ledger.abandon(new Error("connection closed"));
    }
    this.onclose(e);
    // Hopeless: a request the server refuses for what it is, or this session taken over by another
    // connection (a second tab with the same session would otherwise take it back, and so on).
    var hopeless = FINAL_CLOSE_CODES[e.code]
        || (e.code === 1008 && (e.reason === "invalid room" || e.reason === "resumed elsewhere"));
    if (!this._stopped && !this.noretry && !hopeless) {
      this._reconnectLater();
    }
  };

  WSChat.prototype._reconnectLater = function () {
    var self = this;
    this.retries++;
    var delay = backoff(this._attempts++);
    this._trace("reconnecting in " + delay + " ms (attempt " + this._attempts + ")");
    clearTimeout(this._timer);
    this._timer = setTimeout(function () {
      if (!self._stopped) {
        self._open();
      }
    }, delay);
  };

  /** Sends a command now if identified, or keeps it for when it is; `entry` awaits its answer. */
  WSChat.prototype._command = function (command, entry) {
    this.lastmessage = command;
    entry = entry || {command: command};
    if (this._identified) {
      this._dispatchCommand(entry);
      return;
    }
    if (this._queue.length >= MAX_QUEUED) {
      var dropped = this._queue.shift();
      this._ledger.settle(dropped, null, new Error("dropped: too many commands waiting for the connection"));
      this.onerror(429, "Too many messages waiting for the connection; the oldest was dropped", dropped.command);
    }
    this._queue.push(entry);
  };

  /** Sends a command on the open connection, noting it in the ledger. */
  WSChat.prototype._dispatchCommand = function (entry) {
    this._ledger.sent(entry);
    this._send(entry.command);
  };

  WSChat.prototype._identify = function () {
    var self = this;
    var command = {command: "identify", name: this.name};
    if (this.resume) {
      command.resume = true;
    }
    if (this.batchedPresence) {
      command.presence = "batched";
    }
    this.lastmessage = command;
    if (!this._tokenProvider) {
      if (this._token) {
        command.token = this._token;
      }
      this._send(command);
      return;
    }
    var socket = this._socket;
    Promise.resolve().then(this._tokenProvider).then(function (token) {
      command.token = token;
      if (socket === self._socket && !self._identified) {
        self._send(command);
      }
    }, function (err) {
      if (socket === self._socket && !self._identified) {
        self.onerror(401, "No token: " + err, command);
        socket.close(1000, "no token"); // and try again later (onclose, then the backoff)
      }
    });
  };

  WSChat.prototype._send = function (command) {
    if (!this._socket || this._socket.readyState !== 1) {
      return;
    }
    var text = JSON.stringify(command);
    this._trace("-> " + text);
    this._socket.send(text);
  };

  WSChat.prototype._trace = function (text) {
    if (this.log && global.console) {
      global.console.log("[wschat] " + text);
    }
  };

  /**
   * Matches the server's answers to the commands that await them. It lists, in the order sent,
   * every command since the oldest one still waiting for an answer: the server answers in that
   * order, so an answer to one entry means every entry before it was done with silently (a
   * broadcast succeeds without a word) or, for one that awaited an answer, never reached the
   * server; a refusal belongs to the oldest entry it can be for. An entry is `{command}`, with
   * `resolve`, `reject` and `timer` while something awaits it.
   * @constructor
   */
  function AnswerLedger() {
    this._entries = [];
  }

  /** A command was sent; noted only if it or an earlier one awaits an answer. */
  AnswerLedger.prototype.sent = function (entry) {
    if (entry.resolve || this._entries.length) {
      this._entries.push(entry);
    }
  };

  /** The first entry `matches` accepts is answered; it and every entry before it leave. */
  AnswerLedger.prototype.answered = function (matches, value, error) {
    for (var i = 0; i < this._entries.length; i++) {
      var entry = this._entries[i];
      if (matches(entry.command)) {
        var before = this._entries.splice(0, i + 1);
        before.pop();
        for (var j = 0; j < before.length; j++) {
          this.settle(before[j], null, new Error("no answer to " + before[j].command.command));
        }
        var awaited = {command: entry.command, reject: entry.reject};
        this.settle(entry, value, error);
        return awaited;
      }
    }
    return null;
  };

  /** Resolves (or rejects, with `error`) whatever awaits `entry`, once. */
  AnswerLedger.prototype.settle = function (entry, value, error) {
    var index = this._entries.indexOf(entry);
    if (index >= 0) {
      this._entries.splice(index, 1);
    }
    if (!entry.resolve) {
      return;
    }
    clearTimeout(entry.timer);
    var resolve = entry.resolve;
    var reject = entry.reject;
    entry.resolve = entry.reject = null;
    if (error) {
      reject(error);
    } else {
      resolve(value);
    }
  };

  /** Every entry is rejected with `error`: their answers will not come. */
  AnswerLedger.prototype.abandon = function (error) {
    var entries = this._entries;
    this._entries = [];
    for (var i = 0; i < entries.length; i++) {
      this.settle(entries[i], null, error);
    }
  };

  /**
   * The server's clock as seen from here: this browser's monotonic clock plus an offset, taken
   * NTP-style from `time` round trips (offset = server time − the local midpoint of the trip),
   * averaged over the recent samples with the shortest trips (the least room for one direction
   * being slower than the other). Samples are taken in a quick burst once identified, then now
   * and then while connected.
   * @constructor
   * @param {WSChat} chat the connection to ask through
   */
  function ServerClock(chat) {
    this._chat = chat;
    this._timer = null;
    /** {offset, rtt} of the last CLOCK_SAMPLES_KEPT round trips, newest last. */
    this._samples = [];
    /** t0 of the time commands not answered yet. */
    this._asked = {};
    /** The offset until the first round trip: from the init frame, off by its one-way delay. */
    this._roughOffset = null;
  }

  ServerClock.prototype.now = function () {
    var offset = this.offset();
    return offset === null ? Date.now() : localNow() + offset;
  };

  /** Half the longest round trip averaged in: how far off now() can be. */
  ServerClock.prototype.error = function () {
    var best = this._best();
    return best.length ? best[best.length - 1].rtt / 2 : Infinity;
  };

  ServerClock.prototype.offset = function () {
    var best = this._best();
    if (!best.length) {
      return this._roughOffset;
    }
    var sum = 0;
    for (var i = 0; i < best.length; i++) {
      sum += best[i].offset;
    }
    return sum / best.length;
  };

  /** The server's time from the init frame: good to a one-way delay, until a round trip. */
  ServerClock.prototype.roughly = function (serverTime) {
    this._roughOffset = serverTime - localNow();
  };

  /** Starts sampling: CLOCK_BURST samples close together, then one every CLOCK_REFRESH_MS. */
  ServerClock.prototype.start = function () {
    var self = this;
    var burst = CLOCK_BURST;
    this.stop();
    function sample() {
      var t0 = localNow();
      self._asked[t0] = true;
      self._chat._send({command: "time", t0: t0});
      self._timer = setTimeout(sample, --burst > 0 ? CLOCK_BURST_SPACING_MS : CLOCK_REFRESH_MS);
    }
    sample();
  };

  /** No more samples until start(); answers still on their way are ignored. */
  ServerClock.prototype.stop = function () {
    clearTimeout(this._timer);
    this._asked = {};
  };

  /** A time frame came: a sample, if it answers one of ours. */
  ServerClock.prototype.answered = function (frame) {
    if (!this._asked[frame.t0]) {
      return;
    }
    delete this._asked[frame.t0];
    var t1 = localNow();
    this._samples.push({offset: frame.time - (frame.t0 + t1) / 2, rtt: t1 - frame.t0});
    if (this._samples.length > CLOCK_SAMPLES_KEPT) {
      this._samples.shift();
    }
  };

  /** The samples averaged: the shortest trips, none over CLOCK_TRIP_SPREAD times the shortest. */
  ServerClock.prototype._best = function () {
    var shortest = this._samples.slice().sort(function (a, b) {
      return a.rtt - b.rtt;
    }).slice(0, CLOCK_SAMPLES_USED);
    return shortest.filter(function (sample) {
      return sample.rtt <= CLOCK_TRIP_SPREAD * shortest[0].rtt;
    });
  };

  /**
   * Which sent command a refusal belongs to: 409 and 413 only ever answer a state write, 404 a
   * direct message; anything else the oldest command not yet done with.
   */
  function failedBy(code) {
    switch (code) {
      case 409:
      case 413:
        return function (command) { return command.command === "state"; };
      case 404:
        return function (command) { return command.command === "message"; };
      default:
        return function () { return true; };
    }
  }

  /**
   * A state write the server refused: `code` the outcome code (409, 413, 400, 429), `version`
   * the key's current version on a 409.
   * @constructor
   * @extends Error
   */
  function StateError(code, message, version) {
    this.name = "StateError";
    this.code = code;
    this.message = message;
    this.version = version;
    this.stack = new Error(message).stack;
  }
  StateError.prototype = Object.create(Error.prototype);
  StateError.prototype.constructor = StateError;
  /** Compares as the current version, so `err == chat.state[key].version` reads naturally. */
  StateError.prototype.valueOf = function () {
    return this.version;
  };

  function stateError(outcome) {
    return new StateError(outcome.code, outcome.message, outcome.version);
  }

  /**
   * The session handed to init(), if it is one that session (the getter) could have given: a
   * damaged copy (say, edited in sessionStorage) would be refused with 400 and leave the
   * connection unidentified, so it is not used and the client identifies instead.
   */
  function usableSession(saved) {
    return saved && typeof saved.token === "string" && saved.token
        && typeof saved.last === "number" && saved.last >= 0 && Math.floor(saved.last) === saved.last
        && (saved.state === undefined || (saved.state !== null && typeof saved.state === "object"))
        ? saved : null;
  }

  /** A shallow copy of `object` (the entries of chat.state are replaced, never changed); {} for none. */
  function copyOf(object) {
    var copy = {};
    for (var key in object) {
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        copy[key] = object[key];
      }
    }
    return copy;
  }

  /** A clock that only goes forward (the computer's clock may be set, and wrong). */
  function localNow() {
    return global.performance && global.performance.now
        ? global.performance.timeOrigin + global.performance.now()
        : Date.now();
  }

  /** Full jitter: a uniformly random delay below min(cap, base · 2^attempt). */
  function backoff(attempt) {
    var bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, attempt));
    return Math.floor(Math.random() * bound);
  }

  WSChat.StateError = StateError;
  global.WSChat = WSChat;
})(this);
