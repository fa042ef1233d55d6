/*
 * A chat client written the way the 2013 SVP pages' client was: a global factory that returns a
 * plain object, called without `new` (`svp.ws = WSChat();`). It speaks the 2013 protocol:
 *
 *   server -> {"type":"init"}            client -> {"command":"identify","name":...}
 *   outcome 300 -> onconnected(message)  outcome 305 -> onerror(305, message)
 *   outcome 404 -> onerror(404, message, lastmessage)   outcome 400 -> logged to the console
 *   outcome 10 (not identified) -> the socket is closed
 *   broadcast -> onbroadcast(message, from, e)   message -> onmessage(message, from, e)
 *   quit -> onquit(who, e)                       anything else (such as "join") -> ignored
 *
 * When the socket closes it calls onclose(e) and, unless noretry, calls init again after
 * 2^retries milliseconds. send() throws while the socket is closed.
 *
 * Test material for LegacyPageIT: it stands for the client such pages bundled, so that the same
 * page can be run against it and against the WAR's own /wschat/js/wschat.js.
 */
WSChat = function () {
    return {
        retries: 0,
        closed: true,
        log: false,
        noretry: false,
        url: null,
        name: null,
        socket: null,
        lastmessage: undefined,

        init: function (url, name, noretry) {
            if (!this.closed) {
                return false;
            }
            var chat = this;
            chat.url = url;
            chat.name = name;
            if (noretry !== undefined) {
                chat.noretry = noretry;
            }
            var socket = new WebSocket(url);
            chat.socket = socket;
            socket.onopen = function () {
                chat.retries = 0;
                chat.closed = false;
            };
            socket.onmessage = function (e) {
                var data = JSON.parse(e.data);
                if (chat.log) {
                    console.log("WSChat <-", data);
                }
                switch (data.type) {
                    case "init":
                        chat.send({command: "identify", name: chat.name});
                        break;
                    case "outcome":
                        chat.outcome(data);
                        break;
                    case "broadcast":
                        chat.onbroadcast(data.message, data.from, e);
                        break;
                    case "message":
                        chat.onmessage(data.message, data.from, e);
                        break;
                    case "quit":
                        chat.onquit(data.who, e);
                        break;
                }
            };
            socket.onerror = function (e) {
                console.log("WSChat socket error", e);
                chat.onwserror(e);
            };
            socket.onclose = function (e) {
                chat.closed = true;
                chat.onclose(e);
                if (!chat.noretry) {
                    chat.retries += 1;
                    setTimeout(function () {
                        chat.init(chat.url, chat.name);
                    }, Math.pow(2, chat.retries));
                }
            };
        },

        outcome: function (data) {
            if (data.code == 300) {
                this.onconnected(data.message);
            } else if (data.code == 305) {
                this.onerror(data.code, data.message);
            } else if (data.code == 404) {
                this.onerror(data.code, data.message, this.lastmessage);
            } else if (data.code == 10) {
                this.socket.close();
            } else if (!data.success) {
                console.log("WSChat outcome", data.code, data.message);
            }
        },

        message: function (msg, to) {
            this.send({command: "message", to: to, message: msg});
        },

        broadcast: function (msg) {
            this.send({command: "broadcast", message: msg});
        },

        send: function (data) {
            if (this.closed) {
                throw new Error("WSChat: the connection is closed");
            }
            this.lastmessage = data;
            this.socket.send(JSON.stringify(data));
        },

        close: function () {
            this.socket.close();
        },

        onmessage: function () {},
        onbroadcast: function () {},
        onerror: function () {},
        onwserror: function () {},
        onquit: function () {},
        onclose: function () {},
        onconnected: function () {}
    };
};
