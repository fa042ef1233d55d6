/*
 * The watch-together page: one WSChat connection per viewer, the party's playback kept in the
 * room's state, presence from join/quit/list, and a chat.
 *
 * The playback is one key of the room state (PROTOCOL.md §10), written with compare-and-set:
 *   "playback": {"playing": true, "position": 12.3, "rate": 1, "at": <server ms>, "action": "play"}
 * meaning: at server time `at` the party was at `position` seconds, and (if playing) moves on at
 * `rate` seconds per second. `action` ("play", "pause", "seek") only says what was pressed, for
 * the activity line. A late joiner gets it from the server right after identifying; nobody is asked.
 *
 * Broadcasts this page sends (any JSON is fine to WSChat; these are this page's own):
 *   {"svp":"chat","text":"hi"}   a chat line (also accepted as a direct message)
 *   {"svp":"bye"}                sent just before pressing Leave: show that departure at once
 *
 * The tab remembers its party in sessionStorage ("svp.party": name, room, the session from
 * chat.session and the chat as shown), so that a reload goes straight back into the party.
 */
(() => {
  "use strict";

  /** The room-state key of the party's playback. */
  const PLAYBACK = "playback";
  /**
   * Sync rules (README, "the demo page's sync rules"). Drift is this video's position minus the
   * party's, computed from the state by the server clock. Within IN_SYNC_SECONDS nothing is
   * done: two screens in two rooms that far apart look and sound together (lip sync is noticed
   * from about 45 ms early / 125 ms late, ITU-R BT.1359), and it is above what the page can
   * measure here (serverNow() is good to half a round trip; the band widens to clockError()
   * when that is worse, so that a noisy clock does not make the speed hunt).
   */
  const IN_SYNC_SECONDS = 0.05;
  /**
   * Between that and SEEK_SECONDS the video is nudged: its speed changed in proportion to the
   * drift, to catch up in about CATCH_UP_SECONDS, by at most NUDGE_MAX (±10 %: Chrome and
   * Firefox keep the pitch, and a tenth faster or slower goes unnoticed in speech and music). A
   * nudge is invisible; a seek is a jump and a stall.
   */
  const NUDGE_MAX = 0.1;
  const CATCH_UP_SECONDS = 1;
  /**
   * Beyond this the video seeks (aimed ahead by how long a seek takes in this browser, learnt
   * from the last ones): a nudge of 10 % would take over 5 s to absorb it, while the viewers are
   * visibly out of step (half a second is the laugh before the joke); Jellyfin's SyncPlay skips
   * from 0.4 s on the same reasoning.
   */
  const SEEK_SECONDS = 0.5;
  /** The indicator speaks in tenths of a second: below one tenth it says "in sync". */
  const SHOWN_IN_SYNC_SECONDS = 0.1;
  /** How often the video is checked against the party (and the activity line's "… ago" redrawn). */
  const FOLLOW_INTERVAL_MS = 250;
  /** A play, pause or seek that keeps losing the compare-and-set gives up after this many tries. */
  const WRITE_ATTEMPTS = 5;
  /** After a 409, how long to wait for the state frame of the write that won before deciding again. */
  const WINNER_WAIT_MS = 2000;
  /**
   * A viewer heard leaving (quit) is shown as gone only if not back within this: a reload or a
   * network hiccup that the server could not bridge with a resume (a browser closes a page's
   * socket with 1001 when it reloads, which ends the session) then shows as nothing at all. A
   * viewer who pressed Leave says bye first and is shown gone at once.
   */
  const PRESENCE_GRACE_MS = 5000;
  /** Chat lines kept for a reload of the tab. */
  const SAVED_CHAT_LINES = 200;
  const SAVED_PARTY = "svp.party";
  /** What a party that nobody has touched yet plays: nothing, from the start. */
  const NOT_STARTED = Object.freeze({playing: false, position: 0, rate: 1, at: 0, action: null});

  const $ = (id) => document.getElementById(id);
  const video = $("video");
  const base = location.pathname.replace(/[^/]*$/, "");
  const wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + base + "wschat/";

  let chat = null;
  /** {name, room} once joining. */
  let me = null;
  /** True once identified (or resumed) in the party: from then on the video follows the state. */
  let inParty = false;
  /** This tab was in the party before (a reload): identifying afresh means something was missed. */
  let returning = false;
  /** True once this page closed its own connection (leave, or a taken name): no "reconnecting". */
  let leaving = false;
  let people = [];
  /** Viewers heard leaving, not yet shown gone: name → timer (PRESENCE_GRACE_MS). */
  const departing = new Map();
  /** Viewers who said bye: their quit is shown at once. */
  const saidBye = new Set();
  /** The chat as shown, for a reload: {who, text} or {system}. */
  let chatLines = [];
  /** Writes of the playback waiting for a state frame: {version, resolve}. */
  let waitingForVersion = [];
  /** Seconds a seek takes in this browser (learnt), and when the one under way started. */
  let seekSeconds = 0;
  let seekStartedAt = null;
  /** The browser refused to start the video without a click here (autoplay rules). */
  let blockedByBrowser = false;
  let playRequest = null;
  let noticeTimer = null;

  // ------------------------------------------------------------------ joining and leaving

  const params = new URLSearchParams(location.search);
  $("room").value = params.get("room") || "";
  $("name").value = params.get("name") || localStorage.getItem("svp.name") || "";

  $("join-form").addEventListener("submit", (event) => {
    event.preventDefault();
    join($("name").value.trim(), $("room").value.trim(), null);
  });

  $("leave").addEventListener("click", () => {
    leaving = true;
    sessionStorage.removeItem(SAVED_PARTY);
    if (chat) {
      chat.broadcast({svp: "bye"});
      chat.close();
    }
    history.replaceState(null, "", base);
    location.reload();
  });

  $("share").addEventListener("click", () => {
    const link = location.origin + base + "?room=" + encodeURIComponent(me.room);
    if (navigator.clipboard) {
      navigator.clipboard.writeText(link).then(() => notice("Invite link copied."), () => notice(link));
    } else {
      notice(link);
    }
  });

  const saved = readSavedParty();
  if (saved) {
    // This tab was in a party (a reload): straight back in, with the chat as it was.
    returning = true;
    saved.chat.forEach(showLine);
    showStage(saved.room);
    join(saved.name, saved.room, saved.session);
  } else {
    $("join-card").hidden = false;
  }

  function join(name, room, session) {
    me = {name, room};
    localStorage.setItem("svp.name", name);
    history.replaceState(null, "", base + "?room=" + encodeURIComponent(room));
    leaving = false;
    chat = new WSChat();
    chat.onconnected = connected;
    chat.onresumed = resumed;
    chat.onbroadcast = received;
    chat.onmessage = received;
    chat.onjoin = joined;
    chat.onquit = quit;
    chat.onstate = (key, value, from, version) => {
      if (key === PLAYBACK) {
        playbackChanged(version);
      }
    };
    chat.onerror = (code, message) => {
      if (code === 305) {
        chat.close();
        refused("Somebody in this party is already called " + name + ". Pick another name.");
      } else if (code === 401) { // a private room (wschat.js gives up): this page has no token to offer
        refused("This party is private: join it from the site that invited you. (" + message + ")");
      } else {
        system("Server: " + message);
      }
    };
    chat.onclose = (e) => {
      if ($("status").dataset.state === "connected") {
        $("status").dataset.closeCode = e.code; // why the live session ended
      }
      if (e.code === 1008 && e.reason === "invalid room") { // wschat.js does not retry that
        refused("The server does not take that party name: use 1–64 letters, digits, dots, dashes or underscores.");
      }
      status(leaving || chat.noretry ? "closed" : "reconnecting");
    };
    chat.init(wsBase + encodeURIComponent(room), name, undefined, {session});
    saveParty();
    status("connecting");
  }

  /** Identified: the first time, or again after a reconnect that could not resume. */
  function connected() {
    if (inParty || returning) {
      system("Back in the party. Messages sent while you were away are not shown.");
    }
    inParty = true;
    $("join-error").hidden = true;
    showStage(me.room);
    status("connected");
    refreshPeople();
    followParty();
  }

  /** Back on a new connection with nothing missed: what came meanwhile has just been shown. */
  function resumed() {
    inParty = true;
    showStage(me.room);
    status("connected");
    refreshPeople();
    followParty();
  }

  function showStage(room) {
    $("join-card").hidden = true;
    $("stage").hidden = false;
    $("session").hidden = false;
    $("room-badge").textContent = "#" + room;
    $("room-badge").title = "Party " + room;
  }

  /** The server will not have this viewer in this party: back to the form, saying why. */
  function refused(text) {
    leaving = true;
    sessionStorage.removeItem(SAVED_PARTY);
    showJoinError(text);
  }

  function showJoinError(text) {
    $("join-card").hidden = false;
    $("stage").hidden = true;
    $("session").hidden = true;
    $("join-error").textContent = text;
    $("join-error").hidden = false;
  }

  function status(state) {
    const label = {connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", closed: "Offline"};
    $("status").dataset.state = state;
    $("status").textContent = label[state];
  }

  /** Keeps the party for a reload of this tab: the session and the chat as of the same frame. */
  function saveParty() {
    if (!me || leaving) {
      return;
    }
    sessionStorage.setItem(SAVED_PARTY, JSON.stringify({
      name: me.name, room: me.room, session: chat.session, chat: chatLines.slice(-SAVED_CHAT_LINES)
    }));
  }

  function readSavedParty() {
    try {
      const party = JSON.parse(sessionStorage.getItem(SAVED_PARTY));
      if (party && typeof party.name === "string" && typeof party.room === "string") {
        return {name: party.name, room: party.room, session: party.session || null,
          chat: Array.isArray(party.chat) ? party.chat : []};
      }
    } catch (unreadable) {
      // a damaged entry is as good as none
    }
    return null;
  }

  addEventListener("pagehide", saveParty);
  // A phone may discard a hidden tab without a pagehide, and reload it when it is shown again.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      saveParty();
    }
  });

  // ------------------------------------------------------------------ messages from the party

  function received(message, from) {
    if (!message || typeof message !== "object") {
      return;
    }
    if (message.svp === "chat") {
      say(from, String(message.text));
    } else if (message.svp === "bye") {
      saidBye.add(from);
    }
  }

  // ------------------------------------------------------------------ the party's playback

  /** The playback as the room state has it, checked (any viewer may write anything), and its version. */
  function partyPlayback() {
    const entry = chat && chat.state[PLAYBACK];
    const value = entry && entry.value;
    if (!value || typeof value.position !== "number" || !isFinite(value.position)
        || typeof value.at !== "number" || !isFinite(value.at)) {
      return {playback: NOT_STARTED, version: entry ? entry.version : 0};
    }
    const rate = typeof value.rate === "number" && value.rate >= 0.25 && value.rate <= 4 ? value.rate : 1;
    return {
      playback: {playing: value.playing === true, position: Math.max(0, value.position), rate, at: value.at,
        action: typeof value.action === "string" ? value.action : null},
      version: entry.version
    };
  }

  /** Where the party is now, in seconds: position + rate × (server now − at) while playing. */
  function partyPosition(playback) {
    if (!playback.playing) {
      return playback.position;
    }
    return Math.max(0, playback.position + playback.rate * (chat.serverNow() - playback.at) / 1000);
  }

  /** Playing and not yet past the end of the video. */
  function isPlaying(playback) {
    return playback.playing && !(partyPosition(playback) >= video.duration);
  }

  function playbackChanged(version) {
    const reached = waitingForVersion.filter((waiting) => waiting.version <= version);
    waitingForVersion = waitingForVersion.filter((waiting) => waiting.version > version);
    reached.forEach((waiting) => waiting.resolve());
    followParty();
    if (inParty) {
      renderActivity();
    }
  }

  /** Resolves once the playback is at `version` at least (or after WINNER_WAIT_MS all the same). */
  function playbackVersion(version) {
    return new Promise((resolve) => {
      if (partyPlayback().version >= version) {
        resolve();
        return;
      }
      waitingForVersion.push({version, resolve});
      setTimeout(resolve, WINNER_WAIT_MS);
    });
  }

  /**
   * Changes the party's playback by compare-and-set on the version this page holds:
   * `decide(playback)` gives the new value, or null when the party already is as the viewer
   * asked. When another viewer's write came first (409) it decides again on the one that won,
   * so that racing viewers end in one state, each having had its say on the latest one.
   */
  async function changePlayback(decide) {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const {playback, version} = partyPlayback();
      const next = decide(playback);
      if (!next) {
        return;
      }
      try {
        await chat.setState(PLAYBACK, next, {ifVersion: version});
        return;
      } catch (err) {
        if (!(err instanceof WSChat.StateError) || err.code !== 409) {
          notice("The party did not take that: " + err.message);
          return;
        }
        // The 409 can come before the state frame of the write that won: wait for it.
        await playbackVersion(err.version);
      }
    }
    notice("The party kept changing: press again.");
  }

  $("play-toggle").addEventListener("click", () => {
    const {playback} = partyPlayback();
    if (blockedByBrowser && isPlaying(playback)) {
      startVideo(); // the party plays; this browser only waited for a click
      return;
    }
    const wanted = !isPlaying(playback);
    changePlayback((current) => {
      if (isPlaying(current) === wanted) {
        return null; // somebody else did just that
      }
      const position = partyPosition(current);
      return {playing: wanted, position: wanted && position >= video.duration ? 0 : position, rate: current.rate,
        at: chat.serverNow(), action: wanted ? "play" : "pause"};
    });
  });

  $("seek").addEventListener("change", () => {
    const position = parseFloat($("seek").value);
    changePlayback((current) => ({playing: isPlaying(current), position, rate: current.rate,
      at: chat.serverNow(), action: "seek"}));
  });

  /** Puts this video where the party is now: nothing, a nudge of its speed, or a seek. */
  function followParty() {
    if (!inParty || video.readyState < HTMLMediaElement.HAVE_METADATA) {
      return;
    }
    const {playback} = partyPlayback();
    const target = Math.min(partyPosition(playback), video.duration);
    if (!isPlaying(playback)) {
      if (!video.paused) {
        video.pause();
      }
      video.playbackRate = playback.rate;
      // Paused, the target is a position, not a moment: the clock's error does not come into it.
      if (!video.seeking && Math.abs(video.currentTime - target) > IN_SYNC_SECONDS) {
        seekVideo(target);
      }
    } else {
      const tolerance = Math.max(IN_SYNC_SECONDS, chat.clockError() / 1000);
      if (!video.seeking) {
        const drift = video.currentTime - target;
        if (Math.abs(drift) > SEEK_SECONDS) {
          video.playbackRate = playback.rate;
          seekVideo(Math.min(target + seekSeconds * playback.rate, video.duration));
        } else if (Math.abs(drift) > tolerance) {
          const nudge = Math.max(-NUDGE_MAX, Math.min(NUDGE_MAX, drift / CATCH_UP_SECONDS));
          video.playbackRate = playback.rate * (1 - nudge);
        } else {
          video.playbackRate = playback.rate;
        }
      }
      startVideo(); // after any seek: the first frame shown is the party's
    }
    renderSync(video.seeking ? null : video.currentTime - target);
  }

  function seekVideo(position) {
    seekStartedAt = performance.now();
    video.currentTime = position;
  }

  video.addEventListener("seeked", () => {
    if (seekStartedAt !== null) {
      const took = (performance.now() - seekStartedAt) / 1000;
      seekSeconds = Math.min(1, seekSeconds ? (seekSeconds + took) / 2 : took);
      seekStartedAt = null;
    }
    followParty();
  });

  function startVideo() {
    if (!video.paused || playRequest) {
      return;
    }
    playRequest = video.play();
    playRequest.then(() => {
      blockedByBrowser = false;
      playRequest = null;
    }, (err) => {
      playRequest = null;
      if (err.name === "NotAllowedError") {
        blockedByBrowser = true;
        notice("The party is playing: press play to start the video in this browser.");
      }
    });
  }

  function renderSync(drift) {
    const sync = $("sync");
    if (drift === null) {
      sync.dataset.state = "catching-up";
      sync.textContent = "catching up…";
    } else if (Math.abs(drift) < SHOWN_IN_SYNC_SECONDS) {
      sync.dataset.state = "in-sync";
      sync.textContent = "in sync";
    } else {
      sync.dataset.state = drift < 0 ? "behind" : "ahead";
      sync.textContent = Math.abs(drift).toFixed(1) + " s " + sync.dataset.state;
    }
  }

  /** What the party's playback is and who made it so, from the state, with how long ago. */
  function renderActivity() {
    const entry = chat && chat.state[PLAYBACK];
    let what = "Nobody has pressed play yet.";
    let when = "";
    if (entry) {
      const {playback} = partyPlayback();
      const who = entry.from === me.name ? "You" : entry.from;
      if (!isPlaying(playback) && playback.playing) {
        what = "The video has ended. Press play to watch it again.";
      } else if (playback.action === "play") {
        what = who + " pressed play";
      } else if (playback.action === "pause") {
        what = who + " paused at " + clock(playback.position);
      } else if (playback.action === "seek") {
        what = who + (playback.playing ? " jumped to " : " moved to ") + clock(playback.position);
      } else {
        what = who + (playback.playing ? " set it playing" : " set it paused");
      }
      when = "· " + ago(chat.serverNow() - entry.time);
    }
    setText($("activity-what"), what);
    setText($("activity-when"), when);
  }

  function ago(millis) {
    const seconds = Math.max(0, Math.round(millis / 1000));
    if (seconds < 5) {
      return "just now";
    }
    if (seconds < 60) {
      return seconds + " s ago";
    }
    return seconds < 3600 ? Math.floor(seconds / 60) + " min ago" : Math.floor(seconds / 3600) + " h ago";
  }

  setInterval(() => {
    followParty();
    if (inParty) {
      renderActivity();
    }
  }, FOLLOW_INTERVAL_MS);

  // ------------------------------------------------------------------ the video's own controls

  $("mute-toggle").addEventListener("click", () => {
    video.muted = !video.muted;
    $("mute-toggle").textContent = video.muted ? "Unmute" : "Mute";
  });

  video.addEventListener("loadedmetadata", () => {
    $("seek").max = video.duration;
    renderTime();
    followParty();
  });
  video.addEventListener("timeupdate", renderTime);
  video.addEventListener("play", renderPlayButton);
  video.addEventListener("pause", renderPlayButton);

  function renderPlayButton() {
    $("play-toggle").innerHTML = video.paused ? "&#9654;" : "&#10074;&#10074;";
    $("play-toggle").setAttribute("aria-label", video.paused ? "Play" : "Pause");
  }

  function renderTime() {
    if (document.activeElement !== $("seek")) {
      $("seek").value = video.currentTime;
    }
    $("time").textContent = clock(video.currentTime) + " / " + clock(video.duration || 0);
  }

  function clock(seconds) {
    const whole = Math.max(0, Math.floor(seconds || 0));
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  /** A short-lived message under the video (a copied link, a refused write). */
  function notice(text) {
    $("notice").textContent = text;
    $("notice").hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
      $("notice").hidden = true;
    }, 5000);
  }

  function setText(element, text) {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  // ------------------------------------------------------------------ presence

  function refreshPeople() {
    chat.list().then((names) => {
      people = names.slice();
      departing.forEach((timer, name) => addPerson(name));
      renderPeople();
    }, () => { /* the next reconnect lists again */ });
  }

  function joined(who) {
    if (departing.has(who)) {
      clearTimeout(departing.get(who)); // back within the grace: as far as anyone saw, never gone
      departing.delete(who);
      return;
    }
    if (people.includes(who)) {
      return; // already listed (a list answered just before): not news
    }
    addPerson(who);
    system(who + " joined");
  }

  function quit(who) {
    if (saidBye.delete(who)) {
      left(who);
      return;
    }
    clearTimeout(departing.get(who));
    departing.set(who, setTimeout(() => {
      departing.delete(who);
      left(who);
    }, PRESENCE_GRACE_MS));
  }

  function left(who) {
    people = people.filter((name) => name !== who);
    renderPeople();
    system(who + " left");
  }

  function addPerson(who) {
    if (!people.includes(who)) {
      people.push(who);
      people.sort();
      renderPeople();
    }
  }

  function renderPeople() {
    const list = $("people");
    list.textContent = "";
    people.forEach((name) => {
      const item = document.createElement("li");
      const avatar = document.createElement("span");
      avatar.className = "avatar";
      avatar.style.background = colour(name);
      avatar.textContent = name.charAt(0).toUpperCase();
      const label = document.createElement("span");
      label.className = "name";
      label.textContent = name;
      item.append(avatar, label);
      if (me && name === me.name) {
        item.className = "me";
      }
      list.appendChild(item);
    });
    $("people-count").textContent = people.length;
  }

  function colour(name) {
    let hash = 0;
    for (let i = 0; i < name.length; i++) {
      hash = (hash * 31 + name.charCodeAt(i)) | 0;
    }
    return "hsl(" + (Math.abs(hash) % 360) + ", 70%, 65%)";
  }

  // ------------------------------------------------------------------ chat

  $("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("chat-input").value.trim();
    if (!text) {
      return;
    }
    chat.broadcast({svp: "chat", text});
    say(me.name, text);
    $("chat-input").value = "";
  });

  function say(who, text) {
    showLine({who, text});
  }

  function system(text) {
    showLine({system: text});
  }

  function showLine(entry) {
    const line = document.createElement("li");
    if (typeof entry.system === "string") {
      line.className = "system";
      line.textContent = entry.system;
    } else if (typeof entry.who === "string" && typeof entry.text === "string") {
      const name = document.createElement("span");
      name.className = "who";
      name.style.color = colour(entry.who);
      name.textContent = entry.who;
      line.appendChild(name);
      line.append(...linked(entry.text));
    } else {
      return;
    }
    chatLines.push(entry);
    if (chatLines.length > 2 * SAVED_CHAT_LINES) {
      chatLines = chatLines.slice(-SAVED_CHAT_LINES);
    }
    const log = $("chat-log");
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }

  /** `text` as text nodes, with its http(s) links as links that open in a new tab. */
  function linked(text) {
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
      parts.push(document.createTextNode(text.slice(last, match.index)));
      const link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      parts.push(link);
      last = match.index + match[0].length;
    }
    parts.push(document.createTextNode(text.slice(last)));
    return parts;
  }

  /** For the console and the browser tests: this page's connection, and the presence grace. */
  window.watchParty = Object.freeze({
    get chat() {
      return chat;
    },
    presenceGraceMillis: PRESENCE_GRACE_MS
  });
})();
