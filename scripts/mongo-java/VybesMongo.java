/*
 * VybesMongo: de.bwaldvogel:mongo-java-server on one loopback port, for
 * the local stack (scripts/vybes-dev, VYBES_DB=mongo-java).
 *
 *   java -cp 'lib/*:classes' VybesMongo HOST PORT [FILE]
 *
 * With FILE, the H2 backend keeps the data in that MVStore file, so a
 * stopped and restarted server still has it (as mongod would); without,
 * the memory backend loses it at exit.  SIGTERM closes the server, which
 * commits the file.
 */
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

public final class VybesMongo {
	public static void main(String[] args) throws InterruptedException {
		if (args.length < 2 || args.length > 3) {
			System.err.println("usage: VybesMongo HOST PORT [FILE]");
			System.exit(2);
		}
		MongoBackend backend = args.length == 3 ?
		    new H2Backend(args[2]) : new MemoryBackend();
		MongoServer server = new MongoServer(backend);
		server.bind(args[0], Integer.parseInt(args[1]));
		Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
		System.err.println("VybesMongo: " + backend + " on " +
		    args[0] + ":" + args[1]);
		Thread.currentThread().join();
	}
}
