// What a BI tool (DBeaver, Metabase, DataGrip) asks of the SQL endpoint through pgjdbc, Debian's
// libpostgresql-jdbc-java: the DatabaseMetaData calls made on connect, a prepared star join and a
// large read with a fetch size. It prints tab-separated lines that the Go test compares with the
// published snapshot; it checks nothing itself.
//
// java -cp postgresql.jar:. MetaData URL USER PASSWORD metadata
// java -cp postgresql.jar:. MetaData URL USER PASSWORD fetch QUERY
// java -cp postgresql.jar:. MetaData URL USER PASSWORD connect
import java.sql.*;
import java.util.*;

public class MetaData {
    static void out(Object... fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) b.append('\t');
            b.append(fields[i] == null ? "\\N" : String.valueOf(fields[i]).replace('\t', ' ').replace('\n', ' '));
        }
        System.out.println(b);
    }

    static void metadata(Connection c, DatabaseMetaData md) throws SQLException {
        try (ResultSet rs = md.getSchemas()) {
            while (rs.next()) out("schema", rs.getString("TABLE_SCHEM"));
        }
        long t0 = System.nanoTime();
        List<String[]> tables = new ArrayList<>();
        try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE", "VIEW"})) {
            while (rs.next()) {
                String[] t = {rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME")};
                tables.add(t);
                out("table", t[0], t[1], rs.getString("TABLE_TYPE"), rs.getString("REMARKS"));
            }
        }
        int columns = 0;
        try (ResultSet rs = md.getColumns(null, null, "%", "%")) {
            while (rs.next()) {
                columns++;
                out("column", rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME"), rs.getString("COLUMN_NAME"),
                    rs.getInt("ORDINAL_POSITION"), rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"),
                    rs.getInt("COLUMN_SIZE"), rs.getInt("DECIMAL_DIGITS"), rs.getInt("NULLABLE"), rs.getString("REMARKS"));
            }
        }
        out("timing", "getTables+getColumns", (System.nanoTime() - t0) / 1000000.0, tables.size(), columns);

        for (String[] t : tables) {
            try (ResultSet rs = md.getPrimaryKeys(null, t[0], t[1])) {
                while (rs.next()) out("pk", rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME"),
                    rs.getString("COLUMN_NAME"), rs.getInt("KEY_SEQ"), rs.getString("PK_NAME"));
            }
            try (ResultSet rs = md.getImportedKeys(null, t[0], t[1])) {
                while (rs.next()) out("fk", rs.getString("FKTABLE_SCHEM"), rs.getString("FKTABLE_NAME"), rs.getString("FKCOLUMN_NAME"),
                    rs.getString("PKTABLE_SCHEM"), rs.getString("PKTABLE_NAME"), rs.getString("PKCOLUMN_NAME"), rs.getString("FK_NAME"));
            }
            try (ResultSet rs = md.getIndexInfo(null, t[0], t[1], false, true)) {
                while (rs.next()) out("index", rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME"),
                    rs.getString("INDEX_NAME"), rs.getBoolean("NON_UNIQUE"), rs.getString("COLUMN_NAME"));
            }
        }
        int types = 0;
        try (ResultSet rs = md.getTypeInfo()) {
            while (rs.next()) {
                types++;
                out("type", rs.getString("TYPE_NAME"), rs.getInt("DATA_TYPE"));
            }
        }
        int functions = 0;
        try (ResultSet rs = md.getFunctions(null, "pg_catalog", "%")) {
            while (rs.next()) functions++;
        }
        out("functions", functions);

        // A prepared star join with a parameter, run twice (pgjdbc prepares on the server
        // from the fifth execution by default; prepareThreshold=1 is in the URL).
        String join = "SELECT s.region, count(*) AS lines, sum(f.net_amount) AS net FROM fact_sales f "
            + "JOIN dim_store s ON s.store_key = f.store_key JOIN dim_date d ON d.date_key = f.date_key "
            + "WHERE d.year >= ? GROUP BY s.region ORDER BY s.region";
        try (PreparedStatement ps = c.prepareStatement(join)) {
            for (int run = 0; run < 2; run++) {
                ps.setInt(1, 2000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out("join", run, rs.getString(1), rs.getLong(2), rs.getBigDecimal(3).toPlainString());
                }
            }
        }

    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        p.setProperty("password", args[2]);
        boolean metadata = args[3].equals("metadata");
        String fetchQuery = args[3].equals("fetch") ? args[4] : "-";
        try (Connection c = DriverManager.getConnection(args[0], p)) {
            DatabaseMetaData md = c.getMetaData();
            out("product", md.getDatabaseProductName(), md.getDatabaseProductVersion());
            if (metadata) metadata(c, md);

            // A large read with a fetch size: pgjdbc streams it through a named portal, in
            // batches, only inside a transaction.
            if (!fetchQuery.equals("-")) {
                c.setAutoCommit(false);
                long t1 = System.nanoTime();
                try (Statement st = c.createStatement()) {
                    st.setFetchSize(10000);
                    long rows = 0, sum = 0;
                    double first = -1;
                    try (ResultSet rs = st.executeQuery(fetchQuery)) {
                        while (rs.next()) {
                            if (rows == 0) first = (System.nanoTime() - t1) / 1000000.0;
                            rows++;
                            sum += rs.getLong(1);
                        }
                    }
                    out("fetch", rows, sum, first, (System.nanoTime() - t1) / 1000000.0);
                }
                c.commit();
            }
        }
    }
}
