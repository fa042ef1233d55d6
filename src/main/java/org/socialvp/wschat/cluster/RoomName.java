package org.socialvp.wschat.cluster;

/**
 * A name held in a room. In Redis it is written {@code room NUL name} ({@link #entry}): room names
 * cannot contain NUL, so the first NUL is where the room ends.
 */
record RoomName(String room, String name) {

    /** The {@code room NUL name} form kept in the sets of Redis. */
    String entry() {
        return room + '\0' + name;
    }

    static RoomName of(String entry) {
        int cut = entry.indexOf('\0');
        return new RoomName(entry.substring(0, cut), entry.substring(cut + 1));
    }
}
