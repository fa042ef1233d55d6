/*
 * The watch-together page: one WSChat connection per viewer, the video's play, pause and seek
 * shared over broadcast, presence from join/quit/list, and a chat.
 *
 * Payloads this page broadcasts (any JSON is fine to WSChat; these are just this page's own):
 *   {"svp":"video","action":"play"|"pause"|"seek","position":12.3,"playing":true}
 *   {"svp":"chat","text":"hi"}
 *   {"svp":"state?"}                                  a newcomer asks where the party is
 *   {"svp":"state","position":12.3,"playing":true}    the answer, as a direct message
 */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var video = $("video");
  var chat = null;
  /** True once this page closed its own connection (leave, or a taken name): no "reconnecting". */
  var leaving = false;
  var me = null;
  var people = [];
  var stateReceived = false;

  var base = location.pathname.replace(/[^/]*$/, "");
  var wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + base + "wschat/";

  // ------------------------------------------------------------------ joining and leaving

  var params = new URLSearchParams(location.search);
  $("room").value = params.get("room") || "";
  $("name").value = params.get("name") || localStorage.getItem("svp.name") || "";

  $("join-form").addEventListener("submit", function (event) {
    event.preventDefault();
    join($("name").value.trim(), $("room").value.trim());
  });

  $("leave").addEventListener("click", function () {
    if (chat) {
      leaving = true;
      chat.close();
    }
    history.replaceState(null, "", base);
    location.reload();
  });

  $("share").addEventListener("click", function () {
    var link = location.origin + base + "?room=" + encodeURIComponent(me.room);
    if (navigator.clipboard) {
      navigator.clipboard.writeText(link).then(function () { activity("Invite link copied."); });
    } else {
      activity(link);
    }
  });

  function join(name, room) {
    me = {name: name, room: room};
    localStorage.setItem("svp.name", name);
    history.replaceState(null, "", base + "?room=" + encodeURIComponent(room));
    leaving = false;
    chat = new WSChat();
    chat.onconnected = connected;
    chat.onresumed = function () {
      // Back on a new connection with nothing missed: what came meanwhile has just been shown.
      status("connected");
    };
    chat.onbroadcast = received;
    chat.onmessage = received;
    chat.onjoin = function (who) {
      addPerson(who);
      system(who + " joined");
    };
    chat.onquit = function (who) {
      removePerson(who);
      system(who + " left");
    };
    chat.onerror = function (code, message) {
      if (code === 305) {
        leaving = true;
        chat.close();
        showJoinError("Somebody in this party is already called " + name + ". Pick another name.");
      } else {
        system("Server: " + message);
      }
    };
    chat.onclose = function (e) {
      if ($("status").dataset.state === "connected") {
        $("status").dataset.closeCode = e.code; // why the live session ended
      }
      status(leaving || chat.noretry ? "closed" : "reconnecting");
    };
    chat.init(wsBase + encodeURIComponent(room), name);
    status("connecting");
  }

  function connected() {
    $("join-card").hidden = true;
    $("join-error").hidden = true;
    $("stage").hidden = false;
    $("session").hidden = false;
    $("room-badge").textContent = "#" + me.room;
    status("connected");
    chat.list().then(function (names) {
      people = names.slice();
      renderPeople();
    }, function () { /* the next reconnect lists again */ });
    if (!stateReceived) {
      chat.broadcast({svp: "state?"});
    }
  }

  function showJoinError(text) {
    $("join-card").hidden = false;
    $("stage").hidden = true;
    $("session").hidden = true;
    $("join-error").textContent = text;
    $("join-error").hidden = false;
  }

  function status(state) {
    var label = {connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", closed: "Offline"};
    $("status").dataset.state = state;
    $("status").textContent = label[state];
  }

  // ------------------------------------------------------------------ messages from the party

  function received(message, from) {
    if (!message || typeof message !== "object") {
      return;
    }
    if (message.svp === "chat") {
      say(from, String(message.text));
    } else if (message.svp === "video") {
      applyVideo(message, from);
    } else if (message.svp === "state?") {
      chat.message({svp: "state", position: video.currentTime, playing: !video.paused}, from);
    } else if (message.svp === "state" && !stateReceived) {
      stateReceived = true;
      seekTo(message.position);
      setPlaying(message.playing);
    }
  }

  function applyVideo(message, from) {
    stateReceived = true;
    seekTo(message.position);
    if (message.action === "play") {
      setPlaying(true);
      activity(from + " pressed play");
    } else if (message.action === "pause") {
      setPlaying(false);
      activity(from + " paused at " + clock(message.position));
    } else if (message.action === "seek") {
      setPlaying(message.playing);
      activity(from + " jumped to " + clock(message.position));
    }
  }

  // ------------------------------------------------------------------ the video

  $("play-toggle").addEventListener("click", function () {
    var playing = video.paused;
    setPlaying(playing);
    chat.broadcast({svp: "video", action: playing ? "play" : "pause", position: video.currentTime, playing: playing});
  });

  $("seek").addEventListener("change", function () {
    var position = parseFloat($("seek").value);
    seekTo(position);
    chat.broadcast({svp: "video", action: "seek", position: position, playing: !video.paused});
  });

  $("mute-toggle").addEventListener("click", function () {
    video.muted = !video.muted;
    $("mute-toggle").textContent = video.muted ? "Unmute" : "Mute";
  });

  video.addEventListener("loadedmetadata", function () {
    $("seek").max = video.duration;
    renderTime();
  });
  video.addEventListener("timeupdate", renderTime);
  video.addEventListener("play", renderPlayButton);
  video.addEventListener("pause", renderPlayButton);

  function seekTo(position) {
    if (typeof position === "number" && isFinite(position) && Math.abs(video.currentTime - position) > 0.05) {
      video.currentTime = position;
    }
  }

  function setPlaying(playing) {
    if (playing && video.paused) {
      var started = video.play();
      if (started && started.catch) {
        started.catch(function () { activity("Press play to start the video in this browser."); });
      }
    } else if (!playing && !video.paused) {
      video.pause();
    }
  }

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
    seconds = Math.max(0, Math.floor(seconds || 0));
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  function activity(text) {
    $("activity").textContent = text;
  }

  // ------------------------------------------------------------------ presence

  function addPerson(who) {
    if (people.indexOf(who) < 0) {
      people.push(who);
      people.sort();
      renderPeople();
    }
  }

  function removePerson(who) {
    people = people.filter(function (name) { return name !== who; });
    renderPeople();
  }

  function renderPeople() {
    var list = $("people");
    list.textContent = "";
    people.forEach(function (name) {
      var item = document.createElement("li");
      var avatar = document.createElement("span");
      avatar.className = "avatar";
      avatar.style.background = colour(name);
      avatar.textContent = name.charAt(0).toUpperCase();
      var label = document.createElement("span");
      label.className = "name";
      label.textContent = name;
      item.appendChild(avatar);
      item.appendChild(label);
      if (me && name === me.name) {
        item.className = "me";
      }
      list.appendChild(item);
    });
    $("people-count").textContent = people.length;
  }

  function colour(name) {
    var hash = 0;
    for (var i = 0; i < name.length; i++) {
      hash = (hash * 31 + name.charCodeAt(i)) | 0;
    }
    return "hsl(" + (Math.abs(hash) % 360) + ", 70%, 65%)";
  }

  // ------------------------------------------------------------------ chat

  $("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("chat-input").value.trim();
    if (!text) {
      return;
    }
    chat.broadcast({svp: "chat", text: text});
    say(me.name, text);
    $("chat-input").value = "";
  });

  function say(who, text) {
    var line = document.createElement("li");
    var name = document.createElement("span");
    name.className = "who";
    name.style.color = colour(who);
    name.textContent = who;
    line.appendChild(name);
    line.appendChild(document.createTextNode(text));
    appendLine(line);
  }

  function system(text) {
    var line = document.createElement("li");
    line.className = "system";
    line.textContent = text;
    appendLine(line);
  }

  function appendLine(line) {
    var log = $("chat-log");
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }
})();
