/*
 * The local MongoDB-wire server of partnerops: mongo-java-server with its H2 (MVStore)
 * backend, one persistent file, bound to one address. Compiled and started by
 * deploy/local/servers.sh against the jars deploy/local/mongo/pom.xml fetches:
 *
 *   java -cp <classes>:<libs>/* Launcher HOST PORT DATA_FILE
 *
 * What it adds to the library's own H2MongoServer:
 *   - the address and the data file come from the command line (H2MongoServer binds
 *     localhost:27017);
 *   - it reports MongoDB 5.0 with 5.0's wire version, 13. The library's own
 *     ServerVersion.MONGO_5_0 reports wire version 8 (MongoDB 4.2's), which PyMongo 4.18+
 *     refuses (it needs 9 or more); 5.0 is the newest version the library models;
 *   - every command that changed data is committed to the file before its answer is
 *     sent, so an acknowledged write survives the process being killed (the library
 *     alone leaves that to MVStore's background commit, up to a second later);
 *   - SIGTERM closes the listener, then the store (a clean file for the next start).
 */

import java.net.InetSocketAddress;
import java.util.List;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

public final class Launcher {

    /** MongoDB 5.0: its version string and its wire version (13). */
    enum Reported implements MongoVersion {
        MONGO_5_0;

        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    }

    /** H2 backend that commits what a command changed before the command is answered. */
    static final class CommittingH2Backend extends H2Backend {
        private final MVStore store;

        CommittingH2Backend(MVStore store) {
            super(store);
            this.store = store;
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            try {
                return super.handleCommand(channel, database, command, query);
            } finally {
                if (store.hasUnsavedChanges()) {
                    store.commit();
                }
            }
        }
    }

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: Launcher HOST PORT DATA_FILE");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String file = args[2];

        MVStore store = new MVStore.Builder().fileName(file).open();
        H2Backend backend = new CommittingH2Backend(store);
        backend.version(Reported.MONGO_5_0);
        MongoServer server = new MongoServer(backend);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("partnerops: shutting down");
            server.shutdownNow(); // closes the clients, then the backend and its store
        }, "shutdown"));
        server.bind(new InetSocketAddress(host, port));
        System.out.println("partnerops: mongo-java-server listening on " + host + ":" + port
            + " (reports MongoDB 5.0, wire version 13), data in " + file);
    }
}
