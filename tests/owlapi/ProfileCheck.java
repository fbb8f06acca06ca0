// An independent OWL 2 DL check with the OWL API (what ROBOT and Protégé use), for the tests.
//
// Usage: java ProfileCheck [--obo OUT.obo] FILE...
// Loads each RDF file (RDF/XML, Turtle, ...), prints every OWL 2 DL profile violation as
// "FILE<TAB>ViolationType<TAB>message" and a "FILE<TAB>violations=N<TAB>axioms=M" summary line.
// With --obo, also saves the last file in OBO 1.4 format (the OWL API's OBO writer, as ROBOT
// converts ontologies), so a test can check what OBO tools see. Exit code: 0 if no violations.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.OBODocumentFormat;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        int total = 0;
        String obo = null;
        OWLOntology last = null;
        OWLOntologyManager lastManager = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--obo")) {
                obo = args[++i];
                continue;
            }
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[i]));
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            for (OWLProfileViolation v : report.getViolations()) {
                System.out.println(args[i] + "\t" + v.getClass().getSimpleName() + "\t" + v.toString().replace('\n', ' '));
            }
            total += report.getViolations().size();
            System.out.println(args[i] + "\tviolations=" + report.getViolations().size() + "\taxioms=" + ontology.getAxiomCount());
            last = ontology;
            lastManager = manager;
        }
        if (obo != null && last != null) {
            lastManager.saveOntology(last, new OBODocumentFormat(), IRI.create(new File(obo)));
        }
        System.exit(total == 0 ? 0 : 1);
    }
}
