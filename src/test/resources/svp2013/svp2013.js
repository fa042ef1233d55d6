/*
 * The page logic of index.html, written the way the 2013 SVP pages were (one global `svp`, plain
 * functions, `svp.ws = WSChat();` without new) and speaking their application messages:
 *
 * broadcasts   {type:"join", id}                 a newcomer, once connected
 *              {type:"chat", id, message}         a chat line
 *              {type:"statechange", id, paused}   play or pause
 *              {type:"jump", id, pos}             a seek
 *              {type:"timeupdate", id, pos}       the sender's position, each whole second
 * messages     {type:"info", url, id, chats:[{from, message, time}], paused, mypos}
 *                                                 every viewer's answer to a join: the whole history
 *              {type:"sync", id, sync}            "I follow you" / "I no longer do"
 *
 * Messages of another party (another id) are ignored. Unlike the 2013 page, which followed only
 * the viewer it had chosen to sync to, this one follows everyone in its party. A 305 (name taken)
 * does what the 2013 page did: location.assign("#error:nameexists"); location.reload(); after
 * that reload the page takes ?fallback= (or localStorage.svpFallbackName) as its name.
 *
 * window.svpState() and window.svpChats() show the page's state to LegacyPageIT.
 */
var svp = {};

svp.params = {};
location.search.substr(1).split("&").forEach(function (pair) {
    var eq = pair.indexOf("=");
    if (eq > 0) {
        svp.params[decodeURIComponent(pair.substr(0, eq))] = decodeURIComponent(pair.substr(eq + 1));
    }
});

svp.player = document.getElementById("video");
svp.video = {url: svp.player.getAttribute("src"), id: svp.params.party || "svp", chats: []};
svp.name = null;
svp.connected = false;
svp.informed = false;
/** Who is watching; [0] is this page, as "You". */
svp.viewers = [{name: "You", pos: 0}];
/** "+name" and "-name" as viewers were added to the list and removed from it, in that order. */
svp.viewerChanges = [];
svp.syncTo = null;
svp.syncedBy = {};
/** Errors the server reported, kept across the reload that a 305 causes. */
svp.errors = JSON.parse(sessionStorage.svpErrors || "[]");

svp.recordError = function (text) {
    console.log("SVP error:", text);
    svp.errors.push(text);
    sessionStorage.svpErrors = JSON.stringify(svp.errors);
};

/* ---- viewers ---- */

svp.viewerIndex = function (name) {
    for (var i = 1; i < svp.viewers.length; i++) {
        if (svp.viewers[i].name === name) {
            return i;
        }
    }
    return -1;
};

svp.addViewer = function (name, pos) {
    if (svp.viewerIndex(name) < 0) {
        svp.viewers.push({name: name, pos: pos || 0});
        svp.viewerChanges.push("+" + name);
        svp.showViewers();
    }
};

svp.removeViewer = function (name) {
    var index = svp.viewerIndex(name);
    if (index > 0) {
        svp.viewers.splice(index, 1);
        svp.viewerChanges.push("-" + name);
        if (svp.syncTo === name) {
            svp.syncTo = null;
        }
        svp.showViewers();
    }
};

svp.showViewers = function () {
    var list = document.getElementById("viewers");
    list.textContent = "";
    svp.viewers.forEach(function (viewer, index) {
        var item = document.createElement("li");
        var name = document.createElement("span");
        name.className = "name";
        name.textContent = index === 0 ? svp.name : viewer.name;
        var time = document.createElement("span");
        time.className = "time";
        time.textContent = " at " + viewer.pos + " s ";
        item.appendChild(name);
        item.appendChild(time);
        if (index > 0) {
            var sync = document.createElement("button");
            sync.className = "sync";
            sync.type = "button";
            sync.textContent = svp.syncTo === viewer.name ? "De-sync" : "Sync";
            sync.onclick = function () {
                svp.sync(viewer.name);
            };
            item.appendChild(sync);
        }
        list.appendChild(item);
    });
};

/** Updates the shown positions only, so that the list's buttons stay where they are. */
svp.showPositions = function () {
    var times = document.querySelectorAll("#viewers .time");
    svp.viewers.forEach(function (viewer, index) {
        if (times[index]) {
            times[index].textContent = " at " + viewer.pos + " s ";
        }
    });
};

/** Tells `name` that this page follows it, or (clicked again) no longer does. */
svp.sync = function (name) {
    if (svp.syncTo) {
        svp.ws.message({type: "sync", id: svp.video.id, sync: false}, svp.syncTo);
    }
    if (svp.syncTo === name) {
        svp.syncTo = null;
    } else {
        svp.ws.message({type: "sync", id: svp.video.id, sync: true}, name);
        svp.syncTo = name;
    }
    svp.showViewers();
};

/* ---- chat ---- */

svp.receiveChat = function (from, message, time) {
    svp.video.chats.push({from: from, message: message, time: time || new Date().getTime() / 1000});
    var line = document.createElement("div");
    line.className = "chat";
    var who = document.createElement("h5");
    who.textContent = from;
    var text = document.createElement("div");
    text.className = "chat-message";
    text.textContent = message;
    line.appendChild(who);
    line.appendChild(text);
    var box = document.getElementById("chat-messages");
    box.appendChild(line);
    box.scrollTop = box.scrollHeight;
};

svp.chat = function (message) {
    if (!message || !svp.connected) {
        return;
    }
    svp.ws.broadcast({type: "chat", id: svp.video.id, message: message});
    svp.receiveChat("You", message);
};

document.getElementById("chat-input").onkeyup = function (e) {
    if (e.which == 13) {
        svp.chat(this.value);
        this.value = "";
    }
};

/* ---- the video ---- */

svp.play = function (paused) {
    if (paused) {
        svp.player.pause();
    } else {
        svp.player.play().catch(function (err) {
            console.log("SVP: play() did not start:", err.message);
        });
    }
};

/** The local play/pause button: toggles, and tells the party. */
svp.playPause = function () {
    svp.play(!svp.player.paused);
    if (svp.connected) {
        svp.ws.broadcast({type: "statechange", id: svp.video.id, paused: svp.player.paused});
    }
};

/** The local jump: seeks, and tells the party. */
svp.jump = function (pos) {
    svp.player.currentTime = pos;
    if (svp.connected) {
        svp.ws.broadcast({type: "jump", id: svp.video.id, pos: pos});
    }
};

/** Seeks once the video knows its duration (at once if it already does). */
svp.seekWhenReady = function (pos) {
    if (svp.player.readyState >= 1) {
        svp.player.currentTime = pos;
    } else {
        svp.player.addEventListener("loadedmetadata", function () {
            svp.player.currentTime = pos;
        }, {once: true});
    }
};

document.getElementById("playpause").onclick = svp.playPause;
document.getElementById("jump").onclick = function () {
    svp.jump(parseFloat(document.getElementById("jump-to").value));
};

svp.player.addEventListener("timeupdate", function () {
    var pos = Math.round(svp.player.currentTime);
    document.getElementById("time").textContent = svp.player.currentTime.toFixed(1);
    if (pos === svp.viewers[0].pos) {
        return;
    }
    svp.viewers[0].pos = pos;
    svp.showPositions();
    if (svp.connected) {
        svp.ws.broadcast({type: "timeupdate", id: svp.video.id, pos: pos});
    }
});

/* ---- the connection ---- */

svp.ws = WSChat();

svp.ws.onconnected = function () {
    svp.connected = true;
    localStorage.svpUsername = svp.name;
    svp.ws.broadcast({type: "join", id: svp.video.id});
};

svp.ws.onclose = function () {
    svp.connected = false;
};

svp.ws.onerror = function (code, message, lastmessage) {
    if (code == 305) {
        svp.recordError("305 " + svp.name);
        location.assign("#error:nameexists");
        location.reload();
        return;
    }
    svp.recordError(code + " " + (lastmessage && lastmessage.to));
};

svp.ws.onquit = function (who) {
    svp.removeViewer(who);
};

svp.ws.onbroadcast = function (data, from) {
    if (!data || data.id != svp.video.id) {
        return;
    }
    if (data.type == "join") {
        svp.ws.message({
            type: "info",
            url: svp.video.url,
            id: svp.video.id,
            chats: svp.video.chats,
            paused: svp.player.paused,
            mypos: svp.player.currentTime
        }, from);
        svp.addViewer(from, 0);
    } else if (data.type == "chat") {
        svp.receiveChat(from, data.message);
    } else if (data.type == "statechange") {
        if (data.paused !== svp.player.paused) {
            svp.play(data.paused);
        }
    } else if (data.type == "jump") {
        svp.player.currentTime = data.pos;
    } else if (data.type == "timeupdate") {
        var index = svp.viewerIndex(from);
        if (index > 0) {
            svp.viewers[index].pos = data.pos;
            svp.showPositions();
        }
    }
};

svp.ws.onmessage = function (data, from) {
    if (!data || data.id != svp.video.id) {
        return;
    }
    if (data.type == "info") {
        // Every viewer answers a join; the first answer brings the party's position and history.
        if (!svp.informed) {
            svp.informed = true;
            svp.seekWhenReady(data.mypos);
            if (data.paused !== svp.player.paused) {
                svp.play(data.paused);
            }
            data.chats.forEach(function (chat) {
                var who = chat.from == "You" ? from : chat.from == svp.name ? "You" : chat.from;
                svp.receiveChat(who, chat.message, chat.time);
            });
        }
        svp.addViewer(from, Math.round(data.mypos));
    } else if (data.type == "sync") {
        if (data.sync) {
            svp.syncedBy[from] = true;
        } else {
            delete svp.syncedBy[from];
        }
    }
};

svp.init = function (name) {
    svp.name = name;
    document.getElementById("me").textContent = name;
    document.getElementById("name-form").hidden = true;
    svp.showViewers();
    svp.ws.init("ws://" + location.host + "/wschat", name);
};

document.getElementById("set-name").onclick = function () {
    var name = document.getElementById("nickname").value;
    if (name) {
        svp.init(name);
    }
};

(function start() {
    var name;
    if (location.hash == "#error:nameexists") {
        document.getElementById("name-error").textContent =
            "Someone with that name is already watching. Please pick another name.";
        name = svp.params.fallback || localStorage.svpFallbackName;
    } else {
        name = svp.params.name || localStorage.svpUsername;
    }
    if (name) {
        svp.init(name);
    } else {
        document.getElementById("name-form").hidden = false;
    }
})();

/* ---- for the tests ---- */

window.svpState = function () {
    var shown = Array.prototype.map.call(document.querySelectorAll("#chat-messages .chat"), function (line) {
        return line.querySelector("h5").textContent + ": " + line.querySelector(".chat-message").textContent;
    });
    return {
        name: svp.name,
        connected: svp.connected,
        /** The names in the viewer list as shown, this page's own included, sorted. */
        names: Array.prototype.map.call(document.querySelectorAll("#viewers .name"), function (el) {
            return el.textContent;
        }).sort(),
        /** Each viewer's last reported whole second, by name ("You" for this page). */
        positions: svp.viewers.reduce(function (all, viewer) {
            all[viewer.name] = viewer.pos;
            return all;
        }, {}),
        /** The chat lines as shown, "from: message", each cut to 100 characters. */
        chats: shown.map(function (line) {
            return line.substr(0, 100);
        }),
        /** The characters of all chat lines as shown. */
        chatChars: shown.reduce(function (sum, line) {
            return sum + line.length;
        }, 0),
        position: svp.player.currentTime,
        paused: svp.player.paused,
        ready: svp.player.readyState,
        viewerChanges: svp.viewerChanges.slice(),
        errors: svp.errors.slice(),
        syncedBy: Object.keys(svp.syncedBy).sort()
    };
};

/** The whole chat history as this page would send it in an info. */
window.svpChats = function () {
    return svp.video.chats;
};
