package dev.faultline.cli.fleet;

/** One operation of the MBean contract (design §2, §3), with its arguments. */
public record Call(String operation, Object[] args, String[] signature) {
    public static Call of(String operation) {
        return new Call(operation, new Object[0], new String[0]);
    }

    public static Call of(String operation, String arg) {
        return new Call(operation, new Object[] {arg}, new String[] {String.class.getName()});
    }

    /** A false from remove/stop means the target did not do it. */
    public String refusal(Object value) {
        if (Boolean.FALSE.equals(value))
            return "no such " + (operation.equals("remove") ? "fault" : "experiment") + " '" + args[0] + "'";
        return null;
    }
}
