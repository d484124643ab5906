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
 *   - a filter that names a unique index's keys *and more* (`{_id: x, version: 3}`, the
 *     versioned update every service sends) reads that index and matches the rest on the
 *     documents it finds. The library uses an index only when the filter names exactly
 *     its keys, and reads every document of the collection otherwise: one versioned
 *     update cost ~0.1 ms at 100 documents and ~900 ms at 10,000 (MongoDB itself uses
 *     the _id index for such a filter). Top-level keys of a filter are a conjunction, so
 *     reading only the documents one of them selects and matching the whole filter on
 *     those finds exactly what the full scan finds;
 *   - a unique index whose keys are all strings (`_id` of every aggregate, claim and
 *     tracking document) is ordered by the strings themselves. The library opens an index
 *     map with H2's default key type, which cannot compare its keys (`KeyValue`, not
 *     `Comparable`) and serialises both with Java serialisation on every comparison of a
 *     lookup's binary search: a third of the server's CPU under the porting benchmark
 *     (JFR). Other keys keep the library's order (`IndexKeyType`). The order is part of
 *     the file, so the data file of this launcher has its own name (`MJS_FORMAT` in
 *     deploy/local/mongo/server.sh); a file of an earlier launcher is not read;
 *   - stored documents are written to the file as BSON (`DocumentType`): the library
 *     stores them with H2's default value type, Java serialisation, again for every
 *     document of a page each time a commit rewrites that page (40 % of the server's
 *     samples under the porting benchmark once index lookups were cheap). A document
 *     BSON cannot hold (no such value reaches a collection from the wire) is stored
 *     Java-serialised as before, behind its own tag;
 *   - SIGTERM closes the listener, then the store (a clean file for the next start).
 */

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map.Entry;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            // getMvStore(): H2Backend's constructor opens the stored databases before a
            // field of this class is set.
            return new NarrowingH2Database(databaseName, getMvStore(), getCursorRegistry());
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

    /** The one store of this process, set before anything opens it: the constructors of
     * H2Backend and H2Database open the stored databases and collections before a field
     * of a subclass could be set. */
    private static MVStore STORE;

    /** H2Database whose collections read a unique index for a filter naming its keys and more. */
    static final class NarrowingH2Database extends H2Database {
        NarrowingH2Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
            super(databaseName, store, cursorRegistry);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            // The map names H2Database.openOrCreateCollection uses (the same data file).
            String fullName = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> dataMap = STORE.openMap("databases." + fullName,
                new MVMap.Builder<Object, Document>().valueType(new DocumentType()));
            MVMap<String, Object> metaMap = STORE.openMap("meta." + fullName);
            return new NarrowingH2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName,
                                                        List<IndexKey> keys, boolean sparse) {
            // The map name H2Database.openOrCreateUniqueIndex uses; our key type.
            String name = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
            MVMap<KeyValue, Object> map = STORE.openMap(name,
                new MVMap.Builder<KeyValue, Object>().keyType(new IndexKeyType()));
            return new StringOrderedUniqueIndex(map, indexName, keys, sparse);
        }
    }

    /**
     * Keys of a unique index map (`KeyValue`s). A key whose values are all strings sorts
     * before every other key, and among such keys by its strings (`String.compareTo`,
     * then the number of values); any other key is compared as the library's maps compare
     * it (H2's `ObjectDataType`: both serialised, the bytes compared). A total order,
     * equal exactly when the keys are equal; stored as `ObjectDataType` stores them.
     */
    static final class IndexKeyType extends BasicDataType<KeyValue> {
        private final ObjectDataType objects = new ObjectDataType();

        @Override
        public int compare(KeyValue a, KeyValue b) {
            boolean textA = allStrings(a);
            boolean textB = allStrings(b);
            if (textA != textB) {
                return textA ? -1 : 1;
            }
            if (!textA) {
                return objects.compare(a, b);
            }
            int common = Math.min(a.size(), b.size());
            for (int i = 0; i < common; i++) {
                int order = ((String) a.get(i)).compareTo((String) b.get(i));
                if (order != 0) {
                    return order;
                }
            }
            return Integer.compare(a.size(), b.size());
        }

        private static boolean allStrings(KeyValue key) {
            for (Object value : key) {
                if (!(value instanceof String)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int getMemory(KeyValue key) {
            return objects.getMemory(key);
        }

        @Override
        public void write(WriteBuffer buffer, KeyValue key) {
            objects.write(buffer, key);
        }

        @Override
        public KeyValue read(ByteBuffer buffer) {
            return (KeyValue) objects.read(buffer);
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }
    }

    /**
     * Stored documents: a tag byte, then the document as BSON (`BSON`) or, for a document
     * with a value BSON cannot encode, as H2's `ObjectDataType` writes it (`SERIALISED`,
     * the library's own format). Equal values compare as 0 (H2 compares values only to
     * test equality).
     */
    static final class DocumentType extends BasicDataType<Document> {
        static final byte BSON = 1;
        static final byte SERIALISED = 2;
        private final ObjectDataType objects = new ObjectDataType();

        @Override
        public int compare(Document a, Document b) {
            return a.equals(b) ? 0 : objects.compare(a, b);
        }

        @Override
        public int getMemory(Document document) {
            return estimate(document);
        }

        /** Bytes a value takes on the heap, roughly (H2 sizes its page cache by it). */
        private static int estimate(Object value) {
            if (value instanceof String text) {
                return 48 + 2 * text.length();
            }
            if (value instanceof java.util.Map<?, ?> map) {
                int size = 64;
                for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
                    size += 40 + estimate(entry.getKey()) + estimate(entry.getValue());
                }
                return size;
            }
            if (value instanceof java.util.Collection<?> items) {
                int size = 48;
                for (Object item : items) {
                    size += 8 + estimate(item);
                }
                return size;
            }
            return 24;
        }

        @Override
        public void write(WriteBuffer buffer, Document document) {
            ByteBuf bson = Unpooled.buffer();
            try {
                try {
                    BsonEncoder.encodeDocument(document, bson);
                } catch (IllegalArgumentException | ClassCastException notBson) {
                    buffer.put(SERIALISED);
                    objects.write(buffer, document);
                    return;
                }
                buffer.put(BSON);
                buffer.put(bson.nioBuffer());
            } finally {
                bson.release();
            }
        }

        @Override
        public Document read(ByteBuffer buffer) {
            byte tag = buffer.get();
            if (tag == SERIALISED) {
                return (Document) objects.read(buffer);
            }
            if (tag != BSON) {
                throw new IllegalStateException("unknown document tag " + tag + " in the data file");
            }
            ByteBuf bson = Unpooled.wrappedBuffer(buffer.slice());
            Document document = BsonDecoder.decodeBson(bson);
            buffer.position(buffer.position() + bson.readerIndex());
            return document;
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }
    }

    /** The library's H2UniqueIndex (its constructor is not public) over a map of our key type. */
    static final class StringOrderedUniqueIndex extends AbstractUniqueIndex<Object> {
        private final MVMap<KeyValue, Object> map;

        StringOrderedUniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.map = map;
        }

        @Override
        protected Object removeDocument(KeyValue key) {
            return map.remove(key);
        }

        @Override
        protected boolean putKeyPosition(KeyValue key, Object position) {
            return map.putIfAbsent(key, Missing.ofNullable(position)) == null;
        }

        @Override
        protected Iterable<Entry<KeyValue, Object>> getIterable() {
            return map.entrySet();
        }

        @Override
        protected Object getPosition(KeyValue key) {
            return map.get(key);
        }

        @Override
        public long getCount() {
            return map.sizeAsLong();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public long getDataSize() {
            return getCount();
        }
    }

    /** H2Collection that narrows a query by a unique index over some of its top-level keys. */
    static final class NarrowingH2Collection extends H2Collection {
        NarrowingH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                              MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap,
                              CursorRegistry cursorRegistry) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                             int batchSize, Document fieldSelector) {
            List<Index<Object>> indexes = getIndexes();
            for (Index<Object> index : indexes) {
                if (index.canHandle(query)) { // exactly its keys: the library's own plan
                    return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
                }
            }
            for (Index<Object> index : indexes) {
                Document narrowed = new Document();
                for (IndexKey key : index.getKeys()) {
                    if (!query.containsKey(key.getKey())) {
                        narrowed = null;
                        break;
                    }
                    narrowed.put(key.getKey(), query.get(key.getKey()));
                }
                if (narrowed != null && index.isUnique() && index.canHandle(narrowed)) {
                    return matchDocuments(query, index.getPositions(narrowed), orderBy, numberToSkip, limit,
                        batchSize, fieldSelector);
                }
            }
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
    }

    /** MVStore's page cache, in MiB (its default, 16, holds a few thousand aggregates:
     * past that, every update read its pages back from the file). */
    static final int CACHE_MIB = 256;

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

        MVStore store = new MVStore.Builder().fileName(file).cacheSize(CACHE_MIB).open();
        STORE = store;
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
