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
    /** The URL and name given to init(). */
    this.url = null;
    this.name = null;

    /** True once close() was called: no reconnection, until init() again. */
    this._stopped = true;
    /** Reconnections since the last identify; the backoff grows with it. */
    this._attempts = 0;
    this._socket = null;
    this._identified = false;
    this._wasIdentified = false;
    this._reclaimAttempts = 0;
    this._queue = [];
    this._lists = [];
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
   * The server refused something: `code` is the outcome code (10, 305, 400, 404, 429),
   * `lastmessage` the last command this client sent.
   * @param {number} code @param {string} message @param {Object} lastmessage
   */
  WSChat.prototype.onerror = function (code, message, lastmessage) {};
  /** The WebSocket reported an error. @param {Event} e */
  WSChat.prototype.onwserror = function (e) {};
  /** The WebSocket closed (reconnection follows unless closed or noretry). @param {CloseEvent} e */
  WSChat.prototype.onclose = function (e) {};

  /**
   * Connects to `url` and identifies as `name`.
   * @param {string} url e.g. "ws://host:8080/wschat" (the lobby, as 2013 pages write it),
   *   "ws://host:8080/wschat/wschat" (the same) or "ws://host:8080/wschat/wschat/room"
   * @param {string} name the nickname to claim
   * @param {boolean} [noretry] true: do not reconnect by itself; left out: as before
   * @returns {boolean|undefined} false, and nothing done, while a connection is open
   */
  WSChat.prototype.init = function (url, name, noretry) {
    if (!this.closed) {
      return false;
    }
    clearTimeout(this._timer);
    this.url = url;
    this.name = name;
    if (noretry !== undefined) {
      this.noretry = !!noretry;
    }
    this._stopped = false;
    this.retries = 0;
    this._attempts = 0;
    this._wasIdentified = false;
    this._session = null;
    this._last = 0;
    this._open();
  };

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
    var self = this;
    return new Promise(function (resolve, reject) {
      var pending = {resolve: resolve, reject: reject};
      pending.timer = setTimeout(function () {
        self._settleList(pending, null, new Error("no answer to list"));
      }, LIST_TIMEOUT_MS);
      self._lists.push(pending);
      self._command({command: "list"});
    });
  };

  /** Closes the connection for good: no reconnection, queued messages dropped. */
  WSChat.prototype.close = function () {
    this._stopped = true;
    clearTimeout(this._timer);
    this._queue = [];
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
      case "list":
        if (this._lists.length) {
          this._settleList(this._lists[0], data.names, null);
        }
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
      }
      this._identified = true;
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
      this.onerror(data.code, data.message, this.lastmessage);
    }
  };

  WSChat.prototype._flushQueue = function () {
    var self = this;
    var waiting = this._queue;
    this._queue = [];
    waiting.forEach(function (command) {
      self._send(command);
    });
  };

  WSChat.prototype._lost = function (e) {
    this._trace("closed " + e.code + " " + e.reason);
    this._socket = null;
    this.closed = true;
    this._identified = false;
    var lists = this._lists.slice();
    for (var i = 0; i < lists.length; i++) {
      this._settleList(lists[i], null, new Error("connection closed"));
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

  WSChat.prototype._command = function (command) {
    this.lastmessage = command;
    if (this._identified) {
      this._send(command);
      return;
    }
    if (this._queue.length >= MAX_QUEUED) {
      var dropped = this._queue.shift();
      this.onerror(429, "Too many messages waiting for the connection; the oldest was dropped", dropped);
    }
    this._queue.push(command);
  };

  WSChat.prototype._identify = function () {
    this.lastmessage = {command: "identify", name: this.name};
    if (this.resume) {
      this.lastmessage.resume = true;
    }
    this._send(this.lastmessage);
  };

  WSChat.prototype._send = function (command) {
    if (!this._socket || this._socket.readyState !== 1) {
      return;
    }
    var text = JSON.stringify(command);
    this._trace("-> " + text);
    this._socket.send(text);
  };

  WSChat.prototype._settleList = function (pending, names, error) {
    var index = this._lists.indexOf(pending);
    if (index < 0) {
      return;
    }
    this._lists.splice(index, 1);
    clearTimeout(pending.timer);
    if (error) {
      pending.reject(error);
    } else {
      pending.resolve(names);
    }
  };

  WSChat.prototype._trace = function (text) {
    if (this.log && global.console) {
      global.console.log("[wschat] " + text);
    }
  };

  /** Full jitter: a uniformly random delay below min(cap, base · 2^attempt). */
  function backoff(attempt) {
    var bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, attempt));
    return Math.floor(Math.random() * bound);
  }

  global.WSChat = WSChat;
})(this);
