package org.socialvp.wschat.cluster;

import java.util.List;
import java.util.Optional;

/**
 * No other servers ({@code wschat.redisUrl} unset): every name is this server's to give, every
 * viewer is here. Every call is free.
 */
public final class LocalOnly implements Cluster, NameDirectory, Bus {

    @Override
    public NameDirectory directory() {
        return this;
    }

    @Override
    public Bus bus() {
        return this;
    }

    @Override
    public void start(Receiver receiver) {
    }

    @Override
    public Claim claim(String room, String name) {
        return Claim.CLAIMED;
    }

    @Override
    public void release(String room, String name) {
    }

    /** Nobody else to ask: the room's own names are all the names. */
    @Override
    public Optional<List<String>> names(String room) {
        return Optional.empty();
    }

    @Override
    public void roomOpened(String room) {
    }

    @Override
    public void roomClosed(String room) {
    }

    @Override
    public void publish(String room, String frame) {
    }

    @Override
    public Reach sendTo(String room, String name, String frame) {
        return Reach.NOBODY;
    }

    @Override
    public void housekeeping() {
    }

    @Override
    public String state() {
        return "single";
    }

    @Override
    public void shutdown() {
    }
}
